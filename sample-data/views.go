package sampledata

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// view_id numbers the views 1…N in file order: event exports carry an id,
// and with one the import needs no row-position key (making one costs more
// than reading the file).
var viewHeader = []string{"view_id", "subscriber_id", "title", "genre", "minutes", "completed", "device", "time"}

// viewDays is how far back the viewing events go: the two 30-day windows the
// subscriber columns describe, so every event is accounted for by a column.
const viewDays = 60

// DefaultViewsPerSubscriber is the nominal number of viewing events per
// subscriber: at this rate one event is one viewing session, so the last 30
// days' events are exactly sessions_30d.
const DefaultViewsPerSubscriber = 30

// MaxViewsPerSubscriber bounds the rate: splitting sessions further only
// makes views shorter.
const MaxViewsPerSubscriber = 100

// titles are fictional, with the first ones in each genre the most watched.
var titles = map[string][]string{
	"drama": {"The Lighthouse Keepers", "Harbour Street", "Salt and Ash", "The Quiet Year",
		"Northern Lines", "A House in Marlow", "The Weight of Rain", "Second Chances"},
	"comedy": {"Flatmates Anonymous", "The Office Plant", "Kevin Again", "Wedding Season",
		"Budget Airline", "Mum's the Word", "Parking Wars of Dunmore", "Late Checkout"},
	"documentary": {"Deep Blue Silence", "The Cheese Makers", "Inside the Hive", "Rivers of Ice",
		"The Last Typesetters", "Night Markets", "Signal Lost", "Cities Underground"},
	"kids": {"Pip and the Paper Boat", "Captain Crumb", "The Moon Bakery", "Dino Dig Crew",
		"Robo Rangers", "Little Lantern", "Super Sprouts", "Wobble Town"},
	"sci-fi": {"Orbit Nine", "The Ganymede Protocol", "Echoes of Vega", "Starfall",
		"The Long Transit", "Quantum Orchard", "Colony Zero", "Dark Lattice"},
	"thriller": {"The Fourth Witness", "Cold Harbour", "Blindspot Junction", "The Night Auditor",
		"Vanishing Point Road", "Redline", "The Cipher Room", "Dead Drop"},
	"reality": {"Island of Exes", "Bake It or Break It", "Flip That Farmhouse", "Tiny House Dreams",
		"The Big Move", "Top Tailor", "Love at Base Camp", "Garage Gold"},
	"sports": {"Matchday Live", "Full Time", "The Sixth Man", "Road to the Final",
		"Tour Diaries", "Ringside", "Inside the Paddock", "Extra Innings"},
	"anime": {"Blade of the Ninth Moon", "Spirit Courier", "Mecha Academy Zeta", "Ramen Detective",
		"Sky Pirates of Aoi", "Last Summer in Kumo", "Neon Fox", "Tides of Hoshino"},
	"horror": {"The Hollow Hour", "Do Not Answer", "Grave Weather", "The Attic Tapes",
		"Whisper Lake", "Static", "The Ninth Guest", "Rot"},
}

// viewHours weights the hour of day a view starts: mostly evenings.
var viewHours = newDist(
	count{0, 4}, count{1, 2}, count{2, 1}, count{3, 1}, count{4, 1}, count{5, 1},
	count{6, 2}, count{7, 3}, count{8, 3}, count{9, 3}, count{10, 3}, count{11, 3},
	count{12, 4}, count{13, 4}, count{14, 4}, count{15, 4}, count{16, 5}, count{17, 6},
	count{18, 8}, count{19, 11}, count{20, 13}, count{21, 12}, count{22, 9}, count{23, 6})

// view is one viewing event.
type view struct {
	at           int64 // Unix seconds
	minutes      int
	completed    bool
	title, genre string
	device       string
}

// viewGen draws the viewing events of one subscriber at a time from its own
// stream, after the subscriber is drawn, so adding it changed no other file.
type viewGen struct {
	r       *rand.Rand
	asOf    int64
	perSub  int // nominal events per subscriber
	views   []view
	devices []string
	order   []int
}

func newViewGen(seed uint64, asOf time.Time, perSubscriber int) *viewGen {
	return &viewGen{r: newRand(seed, streamViews), asOf: asOf.Unix(), perSub: perSubscriber}
}

// scale turns a number of sessions into a number of events at the chosen
// rate: the same at the default, merged or split otherwise, never fewer than
// one for a window with viewing and never so many that a view is shorter
// than ten minutes.
func (g *viewGen) scale(sessions, minutes int) int {
	if sessions == 0 || g.perSub == 0 {
		return 0
	}
	n := (sessions*g.perSub + DefaultViewsPerSubscriber/2) / DefaultViewsPerSubscriber
	return min(max(n, 1), max(minutes/10, 1))
}

// events returns s's viewing events in chronological order. Each 30-day
// window's minutes add up to its watch hours exactly, its completed views
// are its completion rate times its views, rounded, and the last view falls
// on the day of the last login when there was one in the last 30 days (no
// view is ever after the last login, or before the signup).
func (g *viewGen) events(s *subscriber) []view {
	r := g.r
	g.views = g.views[:0]
	g.pickDevices(s)
	d := s.daysSinceLogin
	if s.hours30 > 0 { // implies a login in the last 30 days and sessions > 0
		g.window(s, d, 29, d, true, g.scale(s.sessions, s.hours30*6), s.hours30*6, s.completion30)
	}
	if s.hoursPrev > 0 && d < viewDays {
		sessions := max(1, s.hoursPrev/between(r, 8, 25))
		rate := s.completionPrev
		if rate < 0 {
			rate = s.completionLatent
		}
		// Without recent viewing, the last login's day is the last view's.
		lastOnLogin := s.hours30 == 0 && d >= 30
		g.window(s, max(d, 30), viewDays-1, d, lastOnLogin, g.scale(sessions, s.hoursPrev*6), s.hoursPrev*6, rate)
	}
	slices.SortStableFunc(g.views, func(a, b view) int { return cmp.Compare(a.at, b.at) })
	return g.views
}

// pickDevices draws the device types s watches on: the primary one and, at
// most, one other type per further registered device.
func (g *viewGen) pickDevices(s *subscriber) {
	g.devices = append(g.devices[:0], s.primaryDevice)
	mix := adultDevices
	if s.age < minorAge {
		mix = minorDevices
	}
	for range s.devices - 1 {
		if d := mix.pick(g.r); !slices.Contains(g.devices, d) {
			g.devices = append(g.devices, d)
		}
	}
}

// window appends n views on days first..last before AsOf (day 0 is the day
// before AsOf) holding total minutes, of which round(n × rate‰) completed.
// With lastOnLogin the latest view is on day login.
func (g *viewGen) window(s *subscriber, first, last, login int, lastOnLogin bool, n, total, rate int) {
	if n == 0 {
		return
	}
	r := g.r
	start := len(g.views)
	weights := 0
	for i := range n {
		back := between(r, first, last)
		if i == 0 && lastOnLogin {
			back = login
		}
		w := between(r, 60, 140)
		weights += w
		g.views = append(g.views, view{at: g.instant(r, s, back), minutes: w})
	}
	vs := g.views[start:]
	// Whole minutes in proportion to the weights; the remainder goes one by
	// one to the first views so the sum is exact.
	left := total
	for i := range vs {
		vs[i].minutes = total * vs[i].minutes / weights
		left -= vs[i].minutes
	}
	for i := 0; left > 0; i = (i + 1) % len(vs) {
		vs[i].minutes++
		left--
	}
	g.order = g.order[:0]
	for i := range vs {
		g.order = append(g.order, i)
	}
	r.Shuffle(len(g.order), func(i, j int) { g.order[i], g.order[j] = g.order[j], g.order[i] })
	done := (n*rate + 500) / 1000
	for _, i := range g.order[:done] {
		vs[i].completed = true
	}
	mix := genreMix(s)
	for i := range vs {
		v := &vs[i]
		v.genre = s.genre
		if v.genre == "" || !chance(r, 550) {
			v.genre = mix.pick(r)
		}
		ts := titles[v.genre]
		// The lower of two draws makes the first titles the popular ones.
		v.title = ts[min(r.IntN(len(ts)), r.IntN(len(ts)))]
		v.device = g.devices[0]
		if len(g.devices) > 1 && !chance(r, 650) {
			v.device = g.devices[r.IntN(len(g.devices))]
		}
	}
}

// instant draws a time of day on the day daysBack days before AsOf's (0 is
// the day before AsOf) that is after s's signup and never a midnight, so "in
// the last N days" cannot depend on whether a window's boundary is open or
// closed.
func (g *viewGen) instant(r *rand.Rand, s *subscriber, daysBack int) int64 {
	dayStart := g.asOf - int64(daysBack+1)*day
	lo, hi := max(dayStart, s.signup)+1, dayStart+day // [lo, hi)
	if lo >= hi {
		return hi - 1 // signed up in the day's last second
	}
	t := dayStart + int64(viewHours.pick(r))*3600 + r.Int64N(3600)
	if t < lo {
		t = lo + r.Int64N(hi-lo)
	}
	return t
}

func (v *view) appendRecord(rec []string, viewID, subscriberID int) []string {
	return append(rec[:0], strconv.Itoa(viewID), strconv.Itoa(subscriberID), v.title, v.genre, strconv.Itoa(v.minutes),
		strconv.FormatBool(v.completed), v.device, timestamp(v.at))
}
