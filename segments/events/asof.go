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
	"github.com/segscope/segscope/segments/rule"
)

// The as-of time is what ago() and "in last N days" windows count back from.
// It is now unless a workspace sets it: historical data (a year of orders
// that ended in 2011) sets it to when the data was taken, so that "bought in
// the last 90 days" means the last 90 days of the data, and a rule's count
// does not drift as the calendar moves on.

// asOfSetting is the stored form: JSON, so that a time zone or a source can
// be added later without a migration.
type asOfSetting struct {
	AsOf time.Time `json:"as_of"`
}

// AsOf reads the workspace's as-of time; zero means now.
func AsOf(ctx context.Context, ws *query.Workspace) (time.Time, error) {
	exists, err := storeExists(ctx, ws.DB())
	if err != nil || !exists {
		return time.Time{}, err
	}
	var value string
	err = ws.DB().QueryRowContext(ctx, `SELECT value FROM segscope.settings WHERE name = 'as_of'`).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read the as-of time: %w", err)
	}
	return decodeAsOf(value)
}

func decodeAsOf(value string) (time.Time, error) {
	var s asOfSetting
	if err := json.Unmarshal([]byte(value), &s); err != nil {
		return time.Time{}, fmt.Errorf("the stored as-of time is damaged: %w", err)
	}
	return s.AsOf, nil
}

// SetAsOf sets the workspace's as-of time (a zero time: now again), audited
// with the time it replaces and why.
func SetAsOf(ctx context.Context, ws *query.Workspace, t time.Time, reason string) error {
	err := ws.WriteTx(ctx, func(tx *sql.Tx) error {
		if err := createStore(ctx, tx); err != nil {
			return err
		}
		return writeAsOf(ctx, ws, tx, t, reason)
	})
	if err != nil {
		return fmt.Errorf("set the as-of time: %w", err)
	}
	ws.TablesChanged() // rules compiled from now on count back from it
	return nil
}

func writeAsOf(ctx context.Context, ws *query.Workspace, tx *sql.Tx, t time.Time, reason string) error {
	var previous string
	err := tx.QueryRowContext(ctx, `SELECT value FROM segscope.settings WHERE name = 'as_of'`).Scan(&previous)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	was := time.Time{}
	if previous != "" {
		if was, err = decodeAsOf(previous); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.settings WHERE name = 'as_of'`); err != nil {
		return err
	}
	if !t.IsZero() {
		value, err := json.Marshal(asOfSetting{AsOf: t.UTC()})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.settings VALUES ('as_of', ?, ?, ?)`, string(value), time.Now().UTC(), ws.Actor()); err != nil {
			return err
		}
	}
	_, err = ws.AppendAudit(ctx, tx, ActionAsOf, "as_of", map[string]any{
		"as_of": rule.AsOfDate(t), "previous": rule.AsOfDate(was), "reason": reason,
	})
	return err
}

// ParseAsOf reads an as-of time as a person gives it: "now" (zero), a date
// (2011-12-10, the start of that day) or a date and time (2011-12-10 14:30),
// taken as UTC as DuckDB's TIMESTAMP values are. rule.AsOfDate writes it back.
func ParseAsOf(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "now") {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			// 0001-01-01 is the zero time, which stands for now.
			if t.Year() < 1000 {
				return time.Time{}, fmt.Errorf("%q is before the year 1000: give the date your data ends, as 2011-12-10, or now", s)
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: give one as 2011-12-10 (or 2011-12-10 14:30), or now", s)
}
