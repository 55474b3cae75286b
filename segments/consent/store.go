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
	c.Detected = false
	if _, err := s.validate(ctx, &c); err != nil {
		return Config{}, fmt.Errorf("consent setup for %s: %w", c.Table, err)
	}
	text, err := json.Marshal(c)
	if err != nil {
		return Config{}, fmt.Errorf("consent setup for %s: %w", c.Table, err)
	}
	err = s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
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
	})
	if err != nil {
		return Config{}, fmt.Errorf("consent setup for %s: save: %w", c.Table, err)
	}
	return c, nil
}

// Config returns a table's consent configuration: the stored one, or failing that
// one proposed by Detect (marked Detected). Without either the error wraps ErrNotConfigured.
func (s *Service) Config(ctx context.Context, table string) (Config, error) {
	c, err := storedConfig(ctx, s.ws.DB(), table)
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, ErrNotConfigured) {
		return Config{}, fmt.Errorf("consent configuration of %s: %w", table, err)
	}
	return Detect(ctx, s.ws, table)
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func storedConfig(ctx context.Context, q rowQuerier, table string) (Config, error) {
	var exists bool
	if err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = 'consent_config' AND database_name = current_database()`).Scan(&exists); err != nil {
		return Config{}, err
	}
	if !exists {
		return Config{}, fmt.Errorf("table %s: %w", table, ErrNotConfigured)
	}
	var text string
	err := q.QueryRowContext(ctx, `SELECT config FROM segscope.consent_config WHERE table_name = ?`, table).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return Config{}, fmt.Errorf("table %s: %w", table, ErrNotConfigured)
	}
	if err != nil {
		return Config{}, err
	}
	var c Config
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		return Config{}, fmt.Errorf("stored configuration is damaged: %w", err)
	}
	return c, nil
}
