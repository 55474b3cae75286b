package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
)

// --parquet-only at a scale shrunk a thousandfold: CSV cut into several parts,
// the generated block tiled, every subscriber once and every consent event
// kept, against the generator's own CSV.
func TestParquetPartsAndTiles(t *testing.T) {
	defer func(p int64, r int) { partBytes, tileRows = p, r }(partBytes, tileRows)
	partBytes, tileRows = 64<<10, 1000
	ctx := context.Background()
	dir := t.TempDir()
	opts := sampledata.DefaultOptions()
	opts.Rows = 2500
	rows, err := parquetParts(ctx, opts, filepath.Join(dir, "pq"))
	if err != nil {
		t.Fatal(err)
	}
	opts.Rows = 1000
	if _, err := sampledata.Generate(ctx, opts, filepath.Join(dir, "csv")); err != nil {
		t.Fatal(err)
	}
	db, err := query.Open(ctx, query.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read := func(name string) string {
		return `read_parquet(` + query.QuoteString(filepath.Join(dir, "pq", name, "*.parquet")) + `)`
	}
	var parts, subs, distinct, maxID, events, blockEvents int64
	q := `SELECT (SELECT count(*) FROM glob(` + query.QuoteString(filepath.Join(dir, "pq", "subscribers", "part-*.parquet")) + `)),
		count(*), count(DISTINCT subscriber_id), max(subscriber_id),
		(SELECT count(*) FROM ` + read("consent") + `),
		(SELECT count(*) FROM read_csv(` + query.QuoteString(filepath.Join(dir, "csv", "consent.csv")) + `))
		FROM ` + read("subscribers")
	if err := db.DB().QueryRowContext(ctx, q).Scan(&parts, &subs, &distinct, &maxID, &events, &blockEvents); err != nil {
		t.Fatal(err)
	}
	if parts < 2 {
		t.Errorf("the generated block was written as %d part; want several at 64 kB a part", parts)
	}
	if subs != 2500 || distinct != 2500 || maxID != 2500 || rows["subscribers"] != 2500 {
		t.Errorf("subscribers: %d rows, %d ids, max %d, reported %d; want 2,500 of each", subs, distinct, maxID, rows["subscribers"])
	}
	// Two whole blocks and half of one: the consent events of the first 500 of a block are about half.
	if events <= 2*blockEvents || events >= 3*blockEvents || rows["consent"] != events {
		t.Errorf("consent: %d events (reported %d) for a block of %d", events, rows["consent"], blockEvents)
	}
}
