package consent

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/segscope/segscope/query"
)

// configTable holds one configuration per audience table, as JSON so that new
// policy fields never need a migration. It lives in segscope's metadata schema;
// query/ creates the schema when the workspace opens.
const configTable = `CREATE TABLE IF NOT EXISTS segscope.consent_config (
	table_name VARCHAR, config VARCHAR, updated_at TIMESTAMP, actor VARCHAR)`

// Setup validates and stores a table's consent configuration, replacing any earlier
// one. The change and its audit entry (old and new configuration, and why) commit together.
func (s *Service) Setup(ctx context.Context, c Config, reason string) (Config, error) {
	c, err := s.Check(ctx, c)
	if err != nil {
		return Config{}, err
	}
	if err := s.ws.WriteTx(ctx, func(tx *sql.Tx) error { return s.SetupTx(ctx, tx, c, reason) }); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Check validates a configuration against the workspace's tables as Setup
// does, without storing it: a change that brings several (an import of
// segment definitions) checks them all before writing any.
func (s *Service) Check(ctx context.Context, c Config) (Config, error) {
	if _, err := s.validate(ctx, &c); err != nil {
		return Config{}, fmt.Errorf("consent setup for %s: %w", c.Table, err)
	}
	return c, nil
}

// SetupTx stores a configuration that Check accepted, in tx, with its audit
// entry, replacing any earlier one.
func (s *Service) SetupTx(ctx context.Context, tx *sql.Tx, c Config, reason string) error {
	text, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("consent setup for %s: %w", c.Table, err)
	}
	err = func() error {
		if _, err := tx.ExecContext(ctx, configTable); err != nil {
			return err
		}
		previous, err := storedConfig(ctx, tx, c.Table)
		if err != nil && !errors.Is(err, ErrNotConfigured) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.consent_config WHERE table_name = ?`, c.Table); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.consent_config VALUES (?, ?, ?, ?)`,
			c.Table, string(text), time.Now().UTC(), s.ws.Actor()); err != nil {
			return err
		}
		details := map[string]any{"config": c, "reason": reason}
		if previous.Table != "" {
			details["previous"] = previous
		}
		_, err = s.ws.AppendAudit(ctx, tx, query.ActionPolicyChange, "consent:"+c.Table, details)
		return err
	}()
	if err != nil {
		return fmt.Errorf("consent setup for %s: save: %w", c.Table, err)
	}
	return nil
}

// Config returns a table's confirmed consent setup. A table without one has no
// consent, even when another table's consent data has a column of the same name:
// the error wraps ErrNotConfigured and says how to set it up.
func (s *Service) Config(ctx context.Context, table string) (Config, error) {
	c, err := storedConfig(ctx, s.ws.DB(), table)
	if errors.Is(err, ErrNotConfigured) {
		return Config{}, err
	}
	if err != nil {
		return Config{}, fmt.Errorf("consent setup of %s: %w", table, err)
	}
	return c, nil
}

// Configs lists every confirmed setup, by table name.
func (s *Service) Configs(ctx context.Context) ([]Config, error) {
	ok, err := hasConfigTable(ctx, s.ws.DB())
	if err != nil || !ok {
		return nil, err
	}
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT config FROM segscope.consent_config ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("list consent setups: %w", err)
	}
	defer rows.Close()
	var out []Config
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, fmt.Errorf("list consent setups: %w", err)
		}
		c, err := decodeConfig(text)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func storedConfig(ctx context.Context, q rowQuerier, table string) (Config, error) {
	exists, err := hasConfigTable(ctx, q)
	if err != nil {
		return Config{}, err
	}
	if !exists {
		return Config{}, notSetUp(table)
	}
	var text string
	err = q.QueryRowContext(ctx, `SELECT config FROM segscope.consent_config WHERE table_name = ?`, table).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return Config{}, notSetUp(table)
	}
	if err != nil {
		return Config{}, err
	}
	return decodeConfig(text)
}

// hasConfigTable reports whether any setup was ever stored: the table is made by
// the first one.
func hasConfigTable(ctx context.Context, q rowQuerier) (bool, error) {
	var exists bool
	err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = 'consent_config' AND database_name = current_database()`).Scan(&exists)
	return exists, err
}

func decodeConfig(text string) (Config, error) {
	var c Config
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		return Config{}, fmt.Errorf("stored consent setup is damaged: %w", err)
	}
	return c, nil
}
