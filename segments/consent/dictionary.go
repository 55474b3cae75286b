package consent

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/segscope/segscope/query"
)

// A consent log has millions of events but a handful of words, and an audience
// table millions of people but a few hundred places. Normalising a word or
// recognising a place costs far more than looking it up, so each distinct value
// is classified once, by the same SQL as always (normalizeWord, severitySQL,
// jurisdictionSQL), and the states query then matches the raw values against
// lists of them: a comparison per row instead of a string pipeline, and no join.
//
// A dictionary is only a shortcut, never the rule: every lookup ends in an ELSE
// that classifies a value it does not list the long way, so a dictionary that is
// out of date (the table changed behind segscope's back) makes the query slower,
// not wrong. It is refreshed when the table's stamp (its import and its size)
// changes.
//
// The one exception is the filter on the events' channel, which decides which
// events are read at all: when the vocabulary is complete, the filter is the
// asked channels' raw spellings alone, which DuckDB tests in the scan itself
// (on a column's dictionary, not on every row). A test of unknown spellings
// beside it, joined by OR, keeps DuckDB from doing so, and cost 60 ms of an
// export's 360 ms of states at a million people. A vocabulary is complete when
// it was read from a stored table whose stamp is the same now: segscope never
// changes a table's rows in place (a re-import or an erasure changes the
// stamp), no other process can write to the workspace while segscope holds it
// open (DuckDB locks the file), and the cache lives no longer than the process.
// A view over files (segscope attach) has no size in its stamp, so its files
// may change unseen: its vocabulary is never complete.

// maxDictionary bounds the distinct values a dictionary lists; a column with more
// (free text, not a vocabulary) is classified row by row as before.
const maxDictionary = 1000

// words is an events table's vocabulary: the raw channel and status values, as
// text, by what they mean.
type words struct {
	channels map[string][]string   // channel (normalized) → its raw spellings
	statuses map[severity][]string // severity → raw status values
	// rawChannels lists every raw channel spelling known, so that an event whose
	// channel is not among them can be classified the long way.
	rawChannels []string
	// complete says every raw channel spelling of the table is listed (see above).
	complete bool
}

// placeBook is an audience table's places: raw country values by the
// jurisdiction they are in whatever the state, and for countries in the US, the
// raw state values that are California and those that are not.
type placeBook struct {
	countries map[Jurisdiction][]string
	us        []string
	ca, notCA []string
}

// dictionaries caches the words and places of a workspace's tables, by table and stamp.
type dictionaries struct {
	mu    sync.Mutex
	words map[string]*words
	place map[string]*placeBook
}

// tableStamp changes whenever a table is imported again, and (short of an update
// in place, which segscope never makes) whenever rows are added or removed.
// stored says the table is one DuckDB stores (it knows its size), not a view.
func (s *Service) tableStamp(ctx context.Context, table string) (stamp string, stored bool, err error) {
	var id sql.NullInt64
	var size sql.NullInt64
	err = s.ws.DB().QueryRowContext(ctx, `SELECT (SELECT max(import_id) FROM segscope.tables WHERE table_name = $1),
		(SELECT max(estimated_size) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1)`,
		table).Scan(&id, &size)
	if err != nil {
		return "", false, fmt.Errorf("read the state of table %s: %w", table, err)
	}
	return fmt.Sprintf("%s\x00%d/%v\x00%d/%v", table, id.Int64, id.Valid, size.Int64, size.Valid), size.Valid, nil
}

// text reads a column as text for comparison with a dictionary's values.
func text(expr, duckType string) string {
	if strings.EqualFold(duckType, "VARCHAR") {
		return expr
	}
	return "CAST(" + expr + " AS VARCHAR)"
}

// eventWords returns the vocabulary of a long layout's events, or nil when a
// column holds too many distinct values to list.
func (s *Service) eventWords(ctx context.Context, p *plan) (*words, error) {
	e := p.Events
	stamp, stored, err := s.tableStamp(ctx, e.Table)
	if err != nil {
		return nil, err
	}
	key := stamp + "\x00" + e.Channel + "\x00" + e.Status
	s.dicts.mu.Lock()
	w, ok := s.dicts.words[key]
	s.dicts.mu.Unlock()
	if ok {
		return w, nil
	}
	from := " FROM main." + query.QuoteIdent(e.Table)
	channels, err := distinctValues(ctx, s.ws.DB(), query.QuoteIdent(e.Channel), normalizeWord("v"), from)
	if err != nil {
		return nil, fmt.Errorf("read the channels of %s: %w", e.Table, err)
	}
	statuses, err := distinctValues(ctx, s.ws.DB(), query.QuoteIdent(e.Status), "CAST("+severitySQL("v")+" AS VARCHAR)", from)
	if err != nil {
		return nil, fmt.Errorf("read the status words of %s: %w", e.Table, err)
	}
	if channels != nil && statuses != nil {
		w = &words{channels: map[string][]string{}, statuses: map[severity][]string{}, complete: stored}
		for raw, c := range channels {
			w.channels[c] = append(w.channels[c], raw)
			w.rawChannels = append(w.rawChannels, raw)
		}
		for raw, sev := range statuses {
			r := severityUnrecognized
			for _, known := range []severity{severityGranted, severityDenied, severityWithdrawn} {
				if sev == fmt.Sprint(int(known)) {
					r = known
				}
			}
			w.statuses[r] = append(w.statuses[r], raw)
		}
		sortLists(w.channels)
		sortLists(w.statuses)
		slices.Sort(w.rawChannels)
	}
	s.dicts.mu.Lock()
	s.dicts.words[key] = w
	s.dicts.mu.Unlock()
	return w, nil
}

// distinctValues maps each distinct non-NULL value of col, as text, to classify
// applied to it (classify reads the value as v). nil means more than maxDictionary.
func distinctValues(ctx context.Context, db *sql.DB, col, classify, from string) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT CAST(v AS VARCHAR), `+classify+` FROM (SELECT DISTINCT `+col+` AS v`+from+
		`) WHERE v IS NOT NULL LIMIT `+fmt.Sprint(maxDictionary+1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var raw string
		var class sql.NullString
		if err := rows.Scan(&raw, &class); err != nil {
			return nil, err
		}
		out[raw] = class.String
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > maxDictionary {
		return nil, nil
	}
	return out, nil
}

func sortLists[K comparable](m map[K][]string) {
	for k := range m {
		slices.Sort(m[k])
	}
}

// channelSQL is a long layout's channel for an event, normalized: raw spellings
// the vocabulary knows are looked up, others normalized.
func (w *words) channelSQL(raw string) string {
	if w == nil || len(w.channels) == 0 {
		return normalizeWord(raw)
	}
	var b strings.Builder
	b.WriteString("CASE")
	for _, c := range slices.Sorted(maps.Keys(w.channels)) {
		b.WriteString(" WHEN " + raw + " IN (" + strings.Join(quoted(w.channels[c]), ", ") + ") THEN " + query.QuoteString(c))
	}
	b.WriteString(" ELSE " + normalizeWord(raw) + " END")
	return b.String()
}

// channelFilter keeps the events on channels, testing raw spellings: the
// vocabulary's are compared as they are, and, unless the vocabulary is complete,
// a spelling it does not know is normalized. Filtering on the normalized channel instead would have DuckDB
// normalize or look up every event's channel in the scan, to drop most of them.
// Asked for every channel, it keeps every event ("") rather than test each one
// for a blank channel: those are left out when the states are joined to the
// channels, which never include a blank one.
func (w *words) channelFilter(raw string, channels []string) string {
	if len(channels) == 0 {
		return ""
	}
	var mine []string
	for _, c := range channels {
		mine = append(mine, w.channels[c]...)
	}
	slices.Sort(mine)
	if w.complete {
		if len(mine) == 0 {
			return "false"
		}
		return raw + " IN (" + strings.Join(quoted(mine), ", ") + ")"
	}
	unknown := "list_contains([" + strings.Join(quoted(channels), ", ") + "], " + normalizeWord(raw) + ")"
	if len(w.rawChannels) > 0 {
		unknown = "NOT " + raw + " IN (" + strings.Join(quoted(w.rawChannels), ", ") + ") AND " + unknown
	}
	if len(mine) == 0 {
		return "(" + unknown + ")"
	}
	return "(" + raw + " IN (" + strings.Join(quoted(mine), ", ") + ") OR (" + unknown + "))"
}

// severityOf is a long layout's severity for an event: the raw status values
// the vocabulary knows are looked up, others classified by severitySQL.
func (w *words) severityOf(raw string) string {
	if w == nil || len(w.statuses) == 0 {
		return severitySQL(raw)
	}
	var b strings.Builder
	b.WriteString("CASE")
	for _, r := range []severity{severityGranted, severityDenied, severityWithdrawn, severityUnrecognized} {
		if list := w.statuses[r]; len(list) > 0 {
			b.WriteString(" WHEN " + raw + " IN (" + strings.Join(quoted(list), ", ") + ") THEN " + fmt.Sprint(int(r)))
		}
	}
	b.WriteString(" ELSE " + severityLazySQL(raw) + " END")
	return b.String()
}

// allChannels lists the vocabulary's channels, blank left out.
func (w *words) allChannels() []string {
	var out []string
	for c := range w.channels {
		if c != "" {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// places returns the places of an audience table's country and state columns,
// or nil when there are too many to list.
func (s *Service) places(ctx context.Context, p *plan) (*placeBook, error) {
	pol := p.Policy
	stamp, _, err := s.tableStamp(ctx, p.Table)
	if err != nil {
		return nil, err
	}
	key := stamp + "\x00" + pol.CountryColumn + "\x00" + pol.StateColumn
	s.dicts.mu.Lock()
	book, ok := s.dicts.place[key]
	s.dicts.mu.Unlock()
	if ok {
		return book, nil
	}
	state, stateSQL := "NULL", ""
	if pol.StateColumn != "" {
		state, stateSQL = query.QuoteIdent(pol.StateColumn), "s"
	}
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT CAST(c AS VARCHAR), CAST(s AS VARCHAR), `+jurisdictionSQL("c", stateSQL)+`
		FROM (SELECT DISTINCT `+query.QuoteIdent(pol.CountryColumn)+` AS c, `+state+` AS s FROM main.`+query.QuoteIdent(p.Table)+`)
		WHERE c IS NOT NULL LIMIT `+fmt.Sprint(maxDictionary+1))
	if err != nil {
		return nil, fmt.Errorf("read the places of %s: %w", p.Table, err)
	}
	defer rows.Close()
	byCountry := map[string]map[Jurisdiction]bool{}
	var ca, notCA []string
	n := 0
	for rows.Next() {
		var country string
		var st sql.NullString
		var j Jurisdiction
		if err := rows.Scan(&country, &st, &j); err != nil {
			return nil, fmt.Errorf("read the places of %s: %w", p.Table, err)
		}
		n++
		if byCountry[country] == nil {
			byCountry[country] = map[Jurisdiction]bool{}
		}
		byCountry[country][j] = true
		switch {
		case !st.Valid:
		case j == USCalifornia:
			ca = append(ca, st.String)
		case j == USOther:
			notCA = append(notCA, st.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the places of %s: %w", p.Table, err)
	}
	if n <= maxDictionary {
		book = &placeBook{countries: map[Jurisdiction][]string{}}
		for country, js := range byCountry {
			switch {
			case pol.StateColumn != "" && (js[USCalifornia] || js[USOther]):
				// A US address's jurisdiction is its state's: always asked of the state.
				book.us = append(book.us, country)
			case len(js) == 1:
				for j := range js {
					book.countries[j] = append(book.countries[j], country)
				}
			}
		}
		sortLists(book.countries)
		slices.Sort(book.us)
		book.ca, book.notCA = dedupe(ca), dedupe(notCA)
	}
	s.dicts.mu.Lock()
	s.dicts.place[key] = book
	s.dicts.mu.Unlock()
	return book, nil
}

func dedupe(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}

// jurisdictionOf is a member's jurisdiction from the raw country and state
// expressions (state "" without a state column), looked up in the book, or
// worked out by jurisdictionSQL for a place the book does not list.
func (b *placeBook) jurisdictionOf(country, state string) string {
	full := jurisdictionLazySQL(country, state)
	if b == nil {
		return full
	}
	in := func(expr string, list []string) string {
		return expr + " IN (" + strings.Join(quoted(list), ", ") + ")"
	}
	var w strings.Builder
	w.WriteString("CASE WHEN " + country + " IS NULL THEN " + query.QuoteString(string(NoCountry)))
	for _, j := range Jurisdictions {
		if list := b.countries[j]; len(list) > 0 {
			w.WriteString(" WHEN " + in(country, list) + " THEN " + query.QuoteString(string(j)))
		}
	}
	if len(b.us) > 0 && state != "" {
		if len(b.ca) > 0 {
			w.WriteString(" WHEN " + in(country, b.us) + " AND " + in(state, b.ca) + " THEN " + query.QuoteString(string(USCalifornia)))
		}
		other := state + " IS NULL"
		if len(b.notCA) > 0 {
			other = "(" + other + " OR " + in(state, b.notCA) + ")"
		}
		w.WriteString(" WHEN " + in(country, b.us) + " AND " + other + " THEN " + query.QuoteString(string(USOther)))
	}
	w.WriteString(" ELSE " + full + " END")
	return w.String()
}
