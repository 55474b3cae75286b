package query

import (
	"context"
	"slices"
	"testing"
)

func TestOutOfRangeChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	if _, err := w.db.ExecContext(ctx, `CREATE TABLE main.nums AS SELECT * FROM (VALUES
		(1, 'inf'::DOUBLE, 1e39::DOUBLE, 2.5::FLOAT, 'x', 5),
		(2, '-inf'::DOUBLE, 1.6e38::DOUBLE, 'inf'::FLOAT, 'y', 6),
		(3, 2.5::DOUBLE, -2e38::DOUBLE, NULL::FLOAT, 'z', 7),
		(4, NULL::DOUBLE, 'nan'::DOUBLE, 1::FLOAT, 'w', 8)) v("id", "Big Value", "huge", "f", "s", "n")`); err != nil {
		t.Fatal(err)
	}
	cols, err := w.Columns(ctx, "nums")
	if err != nil {
		t.Fatal(err)
	}
	got, err := outOfRangeChanges(ctx, w.db, "nums", cols)
	if err != nil {
		t.Fatal(err)
	}
	want := []ImportChange{
		{Kind: "type", Column: "Big Value", Count: 2, Message: "2 numbers beyond the largest a number can be (such as 1e400): read as infinity"},
		{Kind: "type", Column: "huge", Count: 2, Message: "2 numbers too large for any integer type (2^127 and up): read as approximate numbers (DOUBLE), rounded to about 17 digits"},
		{Kind: "type", Column: "f", Count: 1, Message: "1 number beyond the largest a number can be (such as 1e400): read as infinity"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes\n%+v\nwant\n%+v", got, want)
	}
	none, err := outOfRangeChanges(ctx, w.db, "nums", []Column{{Name: "id", Type: "INTEGER"}, {Name: "s", Type: "VARCHAR"}})
	if err != nil || none != nil {
		t.Errorf("a table without floating-point columns: %v, %v", none, err)
	}
}
