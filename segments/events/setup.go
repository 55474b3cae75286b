package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
)

// The columns of a derived audience besides its key.
const (
	ColFirstSeen  = "first_seen"
	ColLastSeen   = "last_seen"
	ColEvents     = "events"
	ColActiveDays = "active_days"
	ColAmount     = "amount"
)

var derivedColumns = []string{ColFirstSeen, ColLastSeen, ColEvents, ColActiveDays, ColAmount}

// Options are what a setup changes besides the event table's own setup.
type Options struct {
	Reason string
	// AsOf, when set, becomes the workspace's as-of time in the same step
	// (a zero time: now).
	AsOf *time.Time
}

// plan is a checked setup: the names as the tables spell them and the SQL
// that derives from them.
type plan struct {
	cfg         Config
	amount      string // the amount's SQL; "" without one
	derive      bool   // (re)make the audience from the events
	audienceKey string // the given audience's key column
}

// Setup checks and stores an event table's setup, replacing an earlier one of
// the same table. When the audience table does not exist it is derived from
// the events (see Config.Derived). The setup, the derived audience with its
// key, the as-of time if given and the audit entry commit together: on any
// error nothing changes.
func Setup(ctx context.Context, ws *query.Workspace, c Config, opts Options) (Entry, error) {
	e, err := setup(ctx, ws, c, opts)
	if err != nil {
		return Entry{}, fmt.Errorf("events setup of %s: %w", c.Table, err)
	}
	return e, nil
}

func setup(ctx context.Context, ws *query.Workspace, c Config, opts Options) (Entry, error) {
	previous, err := Get(ctx, ws, c.Table)
	if err != nil && !errors.Is(err, ErrNotEventTable) {
		return Entry{}, err
	}
	names, err := ws.TableNames(ctx)
	if err != nil {
		return Entry{}, err
	}
	exists := func(t string) bool {
		for _, n := range names {
			if n == t {
				return true
			}
		}
		return false
	}
	// The audience is made from the events when there is none, and made again
	// when this table's earlier setup made it.
	derive := !exists(c.Audience) || previous.Derived && previous.Audience == c.Audience
	p, err := check(ctx, ws, c, derive, names)
	if err != nil {
		return Entry{}, err
	}
	details := map[string]any{"config": p.cfg, "reason": opts.Reason}
	if previous.Table != "" {
		details["previous"] = previous.Config
	}
	return apply(ctx, ws, p, ActionSetup, details, opts.AsOf)
}

// check validates a setup against the workspace's tables; derive says
// whether the audience will be (re)made from the events.
func check(ctx context.Context, ws *query.Workspace, c Config, derive bool, names []string) (plan, error) {
	if c.Table == "" {
		return plan{}, errors.New("name the event table (--table)")
	}
	if c.Key == "" {
		return plan{}, fmt.Errorf("name the column of %s that says whose event each row is (--key)", c.Table)
	}
	if c.Audience == "" {
		return plan{}, fmt.Errorf("name the audience table whose people the events belong to (--audience); a name not in use makes one from the events")
	}
	if c.Audience == c.Table {
		return plan{}, fmt.Errorf("%s can't be the audience of its own events: name the table of people, or a new name to make one from the events", c.Table)
	}
	cols, err := ws.Columns(ctx, c.Table)
	if errors.Is(err, query.ErrNoTable) {
		return plan{}, fmt.Errorf("there is no table %q (tables: %s)", c.Table, strings.Join(names, ", "))
	}
	if err != nil {
		return plan{}, err
	}
	p := plan{cfg: c, derive: derive}
	p.cfg.Derived = derive
	key, err := findColumn(cols, c.Key)
	if err != nil {
		return plan{}, fmt.Errorf("key of %s: %w", c.Table, err)
	}
	p.cfg.Key = key.Name
	if problem := keyKind(key.Type); problem != "" {
		return plan{}, fmt.Errorf("%s.%s holds %s: %s", c.Table, key.Name, typeWords(key.Type), problem)
	}
	if c.Time != "" {
		t, err := findColumn(cols, c.Time)
		if err != nil {
			return plan{}, fmt.Errorf("time of %s: %w", c.Table, err)
		}
		p.cfg.Time = t.Name
		if err := checkTime(ctx, ws, c.Table, t); err != nil {
			return plan{}, err
		}
	}
	if c.Amount != "" {
		if p.amount, err = amountSQL(c.Amount, c.Table, cols); err != nil {
			return plan{}, err
		}
	}
	if derive {
		if err := query.ValidTableName(c.Audience); err != nil {
			return plan{}, fmt.Errorf("the audience to make from the events: %w", err)
		}
		for _, d := range derivedColumns {
			if strings.EqualFold(d, p.cfg.Key) {
				return plan{}, fmt.Errorf("the key %s has the name of a column the derived audience adds (%s): rename it in the file and import it again", p.cfg.Key, strings.Join(derivedColumns, ", "))
			}
		}
		return p, nil
	}
	audienceKey, err := tableKey(ctx, ws.DB(), c.Audience)
	if err != nil {
		return plan{}, err
	}
	if audienceKey == "" {
		return plan{}, fmt.Errorf("the audience %s has no key column to match events by: choose one with segscope key %s COLUMN", c.Audience, c.Audience)
	}
	acols, err := ws.Columns(ctx, c.Audience)
	if err != nil {
		return plan{}, err
	}
	ak, err := findColumn(acols, audienceKey)
	if err != nil {
		return plan{}, fmt.Errorf("the key of %s: %w", c.Audience, err)
	}
	p.audienceKey = ak.Name
	if keyClass(ak.Type) != keyClass(key.Type) {
		return plan{}, fmt.Errorf("the keys differ in type: %s.%s holds %s but %s.%s holds %s, so no event would match a person; "+
			"write both files' keys the same way and import them again, or make the audience from the events under a new name",
			c.Table, key.Name, typeWords(key.Type), c.Audience, ak.Name, typeWords(ak.Type))
	}
	return p, nil
}

// keyKind says why a column of this type can't match events to people ("" if
// it can): the types a table's key may have.
func keyKind(duckType string) string {
	switch keyClass(duckType) {
	case "whole", "text", "uuid":
		return ""
	}
	if query.Numeric(duckType) {
		return "decimal numbers may be rounded, so they can't match events to people exactly; a key of whole numbers or text can"
	}
	return "a key must be whole numbers, text or UUIDs"
}

// keyClass groups the key types that compare with each other.
func keyClass(duckType string) string {
	t := strings.ToUpper(duckType)
	switch {
	case t == "VARCHAR":
		return "text"
	case t == "UUID":
		return "uuid"
	case query.WholeNumber(t):
		return "whole"
	}
	return t
}

const nameTheTime = "name the column with each event's date or time (--time), or leave --time out"

// checkTime refuses a time column that is not a DATE or TIMESTAMP, saying
// how much of a text column reads as times.
func checkTime(ctx context.Context, ws *query.Workspace, table string, c query.Column) error {
	t := strings.ToUpper(c.Type)
	if t == "DATE" || strings.HasPrefix(t, "TIMESTAMP") {
		return nil
	}
	if t != "VARCHAR" {
		return fmt.Errorf("%s.%s holds %s, not dates or times: %s", table, c.Name, typeWords(c.Type), nameTheTime)
	}
	var values, readable int64
	col := query.QuoteIdent(c.Name)
	err := ws.DB().QueryRowContext(ctx, `SELECT count(`+col+`), count(TRY_CAST(`+col+` AS TIMESTAMP)) FROM main.`+query.QuoteIdent(table)).Scan(&values, &readable)
	if err != nil {
		return fmt.Errorf("read %s.%s: %w", table, c.Name, err)
	}
	if readable == 0 {
		return fmt.Errorf("%s.%s holds text, not dates or times: %s", table, c.Name, nameTheTime)
	}
	return fmt.Errorf("%s.%s holds text, not dates or times (%s of %s values read as a time as written): "+
		"the import converts a column when every value reads as a date (day or month first) or a time; "+
		"correct the ones that don't in the file and import it again", table, c.Name,
		counts.Format(readable), counts.Format(values))
}

// apply writes a checked setup in one transaction: the derived audience and
// its key when the plan makes one, the counts of the events, the registry's
// entry, the as-of time if given, and the audit entry (none for action "",
// a refresh of the counts alone).
func apply(ctx context.Context, ws *query.Workspace, p plan, action string, details map[string]any, asOf *time.Time) (Entry, error) {
	e := Entry{Config: p.cfg, Updated: time.Now().UTC(), Actor: ws.Actor()}
	err := ws.WriteTx(ctx, func(tx *sql.Tx) error {
		if err := createStore(ctx, tx); err != nil {
			return err
		}
		if p.derive {
			if _, err := tx.ExecContext(ctx, deriveSQL(p.cfg, p.amount)); err != nil {
				return fmt.Errorf("make %s from the events: %w", p.cfg.Audience, err)
			}
			if err := ws.RecordKey(ctx, tx, p.cfg.Audience, p.cfg.Key); err != nil {
				return err
			}
		}
		var err error
		if e.Stats, err = count(ctx, tx, p); err != nil {
			return err
		}
		if action == ActionSetup && !p.derive && e.Stats.Events > 0 && e.Stats.People == 0 {
			return matchesNoOne(p)
		}
		if err := store(ctx, tx, e); err != nil {
			return err
		}
		if asOf != nil {
			reason, _ := details["reason"].(string)
			if err := writeAsOf(ctx, ws, tx, *asOf, reason); err != nil {
				return err
			}
		}
		if action == "" { // only the counts changed
			return nil
		}
		details["stats"] = e.Stats
		_, err = ws.AppendAudit(ctx, tx, action, p.cfg.Table, details)
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	// Rules compiled from now on see the new setup (and the derived table).
	ws.TablesChanged()
	return e, nil
}

// matchesNoOne refuses a setup under which every event belongs to no one:
// every event condition would be empty. The usual cause is an audience keyed
// by the row's position, which segscope adds when its file has no ID column.
func matchesNoOne(p plan) error {
	c := p.cfg
	why := "compare the two columns' values (segscope query) and import the file that differs again, written like the other"
	if p.audienceKey == query.SurrogateKey {
		why = fmt.Sprintf("%s is the row's position in %s's file, added by segscope because no column looked like an ID: "+
			"choose the column of %s's IDs with segscope key %s COLUMN", query.SurrogateKey, c.Audience, c.Audience, c.Audience)
	}
	return fmt.Errorf("no %s of %s is a key of %s (%s), so no event would count for anyone: %s",
		c.Key, c.Table, c.Audience, p.audienceKey, why)
}

// deriveSQL makes the audience of one row per key of the events. Its rows are
// in no particular order: an ORDER BY cost about a tenth more at a million
// events, and exports and segment members order by the key themselves.
func deriveSQL(c Config, amount string) string {
	k := query.QuoteIdent(c.Key)
	cols := []string{k}
	if c.Time != "" {
		t := query.QuoteIdent(c.Time)
		cols = append(cols, `min(`+t+`) AS `+ColFirstSeen, `max(`+t+`) AS `+ColLastSeen, `count(*) AS `+ColEvents,
			`count(DISTINCT CAST(`+t+` AS DATE)) AS `+ColActiveDays)
	} else {
		cols = append(cols, `count(*) AS `+ColEvents)
	}
	if amount != "" {
		cols = append(cols, `sum(`+amount+`) AS `+ColAmount)
	}
	return `CREATE OR REPLACE TABLE main.` + query.QuoteIdent(c.Audience) + ` AS SELECT ` + strings.Join(cols, ", ") +
		` FROM main.` + query.QuoteIdent(c.Table) + ` WHERE ` + k + ` IS NOT NULL GROUP BY ` + k
}

// count reads what the events hold. For a derived audience the people and
// the first and last times are read from it (one row per person) rather than
// counted again among the events.
func count(ctx context.Context, tx *sql.Tx, p plan) (Stats, error) {
	s := Stats{Checked: time.Now().UTC()}
	c := p.cfg
	ev := `main.` + query.QuoteIdent(c.Table)
	k := query.QuoteIdent(c.Key)
	noTime, first, last := `0`, `NULL`, `NULL`
	if c.Time != "" {
		t := query.QuoteIdent(c.Time)
		noTime = `count(*) FILTER (WHERE ` + k + ` IS NOT NULL AND ` + t + ` IS NULL)`
		first, last = `CAST(min(`+t+`) FILTER (WHERE `+k+` IS NOT NULL) AS TIMESTAMP)`, `CAST(max(`+t+`) FILTER (WHERE `+k+` IS NOT NULL) AS TIMESTAMP)`
	}
	if p.derive {
		first, last = `NULL`, `NULL`
	}
	var f, l sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT count(*), count(`+k+`), `+noTime+`, `+first+`, `+last+` FROM `+ev).
		Scan(&s.Rows, &s.Events, &s.NoTime, &f, &l)
	if err != nil {
		return Stats{}, fmt.Errorf("count the events of %s: %w", c.Table, err)
	}
	s.Keyless = s.Rows - s.Events
	if p.derive {
		aud := `main.` + query.QuoteIdent(c.Audience)
		first, last = `NULL`, `NULL`
		if c.Time != "" {
			first, last = `CAST(min(`+ColFirstSeen+`) AS TIMESTAMP)`, `CAST(max(`+ColLastSeen+`) AS TIMESTAMP)`
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*), `+first+`, `+last+` FROM `+aud).Scan(&s.People, &f, &l); err != nil {
			return Stats{}, fmt.Errorf("count the people of %s: %w", c.Audience, err)
		}
	} else {
		// People are the audience's people with events, as Sentence says
		// ("N events of P customers"); keys the audience lacks are only
		// Outside's. The audience's key is unique, so the join adds no rows.
		aud := `main.` + query.QuoteIdent(c.Audience)
		ak := `a.` + query.QuoteIdent(p.audienceKey)
		err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE `+ak+` IS NULL), count(DISTINCT `+ak+`) FROM `+ev+
			` e LEFT JOIN `+aud+` a ON `+ak+` = e.`+k+` WHERE e.`+k+` IS NOT NULL`).Scan(&s.Outside, &s.People)
		if err != nil {
			return Stats{}, fmt.Errorf("match the events of %s to %s: %w", c.Table, c.Audience, err)
		}
	}
	if f.Valid {
		s.First = &f.Time
	}
	if l.Valid {
		s.Last = &l.Time
	}
	return s, nil
}

// store replaces the registry's entry of e's event table.
func store(ctx context.Context, tx *sql.Tx, e Entry) error {
	config, err := json.Marshal(e.Config)
	if err != nil {
		return err
	}
	stats, err := json.Marshal(e.Stats)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.event_tables WHERE table_name = ?`, e.Table); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO segscope.event_tables VALUES (?, ?, ?, ?, ?)`, e.Table, string(config), string(stats), e.Updated, e.Actor)
	return err
}

// Remove takes an event table out of the registry; the table itself, and an
// audience derived from it, stay as they are (the audience is no longer made
// again on import). The removal is audited.
func Remove(ctx context.Context, ws *query.Workspace, table, reason string) (Entry, error) {
	var removed Entry
	err := ws.WriteTx(ctx, func(tx *sql.Tx) error {
		es, err := entries(ctx, tx, table)
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Table == table {
				removed = e
			}
		}
		if removed.Table == "" {
			return notSetUp(table)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.event_tables WHERE table_name = ?`, table); err != nil {
			return err
		}
		_, err = ws.AppendAudit(ctx, tx, ActionRemove, table, map[string]any{"previous": removed.Config, "reason": reason})
		return err
	})
	if err != nil {
		return Entry{}, fmt.Errorf("events remove %s: %w", table, err)
	}
	ws.TablesChanged()
	return removed, nil
}
