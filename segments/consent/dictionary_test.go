package consent

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// The dictionaries are a shortcut, never the rule: the states they give are the
// states of working every value out, and a dictionary read before the tables
// changed still gives them for values it has never seen.
func TestDictionaryIsAShortcut(t *testing.T) {
	ctx := context.Background()
	s, table := eventsWorkspace(t, "1,40,,DE,\n2,14,,Germany,\n3,40,,US,CA\n4,40,,US,NY\n5,,,,\n6,40,true,FR,\n", []string{
		"1,email,opt_in,2026-10-01 00:00:00", "1,sms,Opt-Out,2026-10-01 00:00:00",
		"2,email,yes,2026-10-01 00:00:00",
		"3,Email,granted,2020-01-01 00:00:00", "3,push,withdrawn,",
		"4,email,maybe,2026-10-01 00:00:00", "4,email,no,2026-10-01 00:00:00",
		"6,sms,true,2026-10-01 00:00:00",
	})
	stale, err := s.plan(ctx, table)
	if err != nil {
		t.Fatal(err)
	}
	if stale.words == nil || stale.places == nil {
		t.Fatalf("a small table should have a vocabulary (%v) and a place book (%v)", stale.words, stale.places)
	}
	// Rows the dictionaries have never seen: a channel spelt another way with a
	// status word new to the table, places written another way, refusals on no
	// channel at all.
	for _, q := range []string{
		`INSERT INTO people (person_id, age, parental_ok, country, region) VALUES (10, 40, NULL, 'DE', NULL), (11, 14, NULL, 'Deutschland', NULL),
			(12, 40, NULL, 'US', 'Calif.'), (13, 40, NULL, 'U.S.A.', 'ny')`,
		`INSERT INTO consent_events (person_id, channel, status, event_time) VALUES (10, 'email', 'opt_in', '2026-10-01 00:00:00'),
			(10, 'EMAIL ', 'Opt Out', '2026-10-05 00:00:00'), (12, 'email', 'opt_in', '2026-10-01 00:00:00'),
			(13, 'Text Message', 'revoked', '2026-10-01 00:00:00'),
			(12, ' ', 'opt_out', '2026-10-02 00:00:00'), (12, NULL, 'opt_out', '2026-10-02 00:00:00')`,
	} {
		if _, err := s.ws.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	longWay := *stale
	longWay.words, longWay.places = nil, nil
	fresh, err := s.plan(ctx, table)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.words == stale.words || fresh.places == stale.places {
		t.Error("the dictionaries were not read again after the tables changed")
	}
	if !stale.words.complete || !fresh.words.complete {
		t.Error("a stored table's vocabulary, read under its current stamp, should be complete")
	}
	// A complete vocabulary filters the events on its spellings alone, and is
	// never used once the table has changed (just checked). One the stamp cannot
	// vouch for, as a view over files, must be right even when out of date.
	unvouched := *stale.words
	unvouched.complete = false
	stale.words = &unvouched
	run := func(p *plan, channels []string) []string {
		q := p.statesSQL(statesSpec{channels: channels, now: now})
		rows, err := s.ws.DB().Query(`SELECT concat_ws(' ', person, channel, jurisdiction, state, unrecognized, future_dated, age_unknown) FROM (` + q + `)`)
		if err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		slices.Sort(out)
		return out
	}
	for _, channels := range [][]string{nil, {"email"}, {"sms", "text_message"}} {
		want := run(&longWay, channels)
		for name, p := range map[string]*plan{"read before the change": stale, "read after it": fresh} {
			if got := run(p, channels); !slices.Equal(got, want) {
				t.Errorf("channels %v, dictionaries %s:\n%s\nwant (every value worked out):\n%s", channels, name,
					strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
	got := strings.Join(run(stale, nil), "\n")
	for _, row := range []string{
		"10 email EU/EEA denied", "11 email EU/EEA minor", "12 email US-California granted",
		"13 text_message US-other withdrawn", "2 email EU/EEA minor", "3 email US-California stale",
	} {
		if !strings.Contains(got, row+" ") {
			t.Errorf("no row %q in:\n%s", row, got)
		}
	}
}

// A view's stamp has no size, so its files may change unseen: its vocabulary is
// never complete, and the events on a spelling it has not seen still count.
func TestViewVocabularyIsNeverComplete(t *testing.T) {
	ctx := context.Background()
	s, table := eventsWorkspace(t, "1,40,,DE,\n", []string{"1,email,opt_in,2026-10-01 00:00:00"})
	if _, err := s.ws.DB().Exec(`CREATE VIEW events_view AS SELECT * FROM consent_events`); err != nil {
		t.Fatal(err)
	}
	p, err := s.plan(ctx, table)
	if err != nil {
		t.Fatal(err)
	}
	p.Events.Table = "events_view"
	w, err := s.eventWords(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if w == nil || w.complete {
		t.Fatalf("a view's vocabulary: %+v, want one that is not complete", w)
	}
	if f := w.channelFilter("channel", []string{"email"}); !strings.Contains(f, "list_contains") {
		t.Fatalf("the filter of an incomplete vocabulary does not look for unknown spellings: %s", f)
	}
}
