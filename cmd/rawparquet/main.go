// Command rawparquet is the hand-written twin of segscope's big-data check:
// plain DuckDB, with the SQL a DuckDB user who knows the sample data would
// write, on the Parquet parts `segscope sample --parquet-only` writes. Each run
// does one step on a fresh in-memory DuckDB, so /usr/bin/time -v gives that
// step's time and peak memory beside segscope's (README, Benchmarks).
//
//	go run ./cmd/rawparquet DIR count|coverage|export [OUT.parquet]
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// Rule is the segment of the check, as segscope's rule language says it and as SQL.
const (
	Rule      = "days_since_login > 7 and watch_hours_30d < watch_hours_prev_30d / 2"
	RuleSQL   = "days_since_login > 7 AND watch_hours_30d < watch_hours_prev_30d / 2"
	personal  = "first_name, last_name, phone"
	statesFor = "email"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: rawparquet DIR count|coverage|export [OUT.parquet]")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1], os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "rawparquet:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir, step string, rest []string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, t := range []string{"subscribers", "consent"} {
		glob := query.QuoteString(filepath.Join(dir, t, "*.parquet"))
		if _, err := db.ExecContext(ctx, `CREATE VIEW `+t+` AS SELECT * FROM read_parquet(`+glob+`)`); err != nil {
			return err
		}
	}
	start := time.Now()
	states := querytest.HandStatesSQL(RuleSQL, true, time.Now(), statesFor)
	switch step {
	case "count":
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM subscribers WHERE `+RuleSQL).Scan(&n); err != nil {
			return err
		}
		fmt.Printf("members: %d\n", n)
	case "coverage":
		rows, err := db.QueryContext(ctx, `SELECT state, count(*) FROM (`+states+`) GROUP BY 1 ORDER BY 1`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var state string
			var n int64
			if err := rows.Scan(&state, &n); err != nil {
				return err
			}
			fmt.Printf("%s %s: %d\n", statesFor, state, n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
	case "export":
		if len(rest) != 1 {
			return fmt.Errorf("export needs OUT.parquet")
		}
		n, err := db.ExecContext(ctx, `COPY (SELECT s.* EXCLUDE (`+personal+`) FROM subscribers s
			WHERE `+RuleSQL+` AND subscriber_id IN (SELECT subscriber_id FROM (`+states+`) WHERE state = 'granted')
			ORDER BY subscriber_id) TO `+query.QuoteString(rest[0])+` (FORMAT parquet, COMPRESSION zstd)`)
		if err != nil {
			return err
		}
		rowsOut, _ := n.RowsAffected()
		fmt.Printf("exported: %d\n", rowsOut)
	default:
		return fmt.Errorf("unknown step %q", step)
	}
	fmt.Printf("%s took %.1f s\n", step, time.Since(start).Seconds())
	return nil
}
