package query_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/segments/export"
)

// hostileHeader is a customer export whose column names fight SQL: DuckDB's rowid
// pseudo-column (in two spellings), keywords, a space, names equal but for case or
// separators, and a repeated name.
var hostileHeader = []string{"customer_id", "rowid", "ROWID", "_row", "select", "order", "group", "from",
	"my col", "Count", "count", "true", "Total Spend", "total_spend", "a", "a"}

// hostileRows is enough rows that a sorted page at the end goes through the
// materialised ordering, not LIMIT/OFFSET.
const hostileRows = 30_000

// hostileRow is row i of the fixture, as the CSV writes it.
type hostileRow struct {
	id     int64
	rowid  int    // the user's own "rowid": many ties, not the row's position
	sel    string // the "select" column
	fields []string
}

func makeHostileRow(i int) hostileRow {
	r := hostileRow{id: int64(1000 + i), rowid: (i * 37) % 101, sel: []string{"x", "y", "z"}[i%3]}
	r.fields = []string{
		strconv.FormatInt(r.id, 10), strconv.Itoa(r.rowid), strconv.Itoa(i), "r" + strconv.Itoa(i%7), r.sel,
		strconv.Itoa(i % 5), []string{"north", "south", "east", "west"}[i%4], "from-" + strconv.Itoa(i%3),
		strconv.FormatFloat(float64(i%13)*1.5, 'f', -1, 64), strconv.Itoa(i % 9), strconv.Itoa(i % 11),
		[]string{"yes", "no"}[i%2], strconv.FormatFloat(float64(i%50)+0.25, 'f', -1, 64), strconv.Itoa(i % 17),
		strconv.Itoa(i % 2), strconv.Itoa(i % 3),
	}
	return r
}

// hostileWorkspace imports the fixture through the normal import and returns the
// rows as written, with the table's column names in header order.
func hostileWorkspace(t *testing.T) (*query.Workspace, []hostileRow, []string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hostile.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cw := csv.NewWriter(f)
	cw.Write(hostileHeader)
	rows := make([]hostileRow, hostileRows)
	for i := range rows {
		rows[i] = makeHostileRow(i)
		cw.Write(rows[i].fields)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ws := querytest.Empty(t)
	res, err := ws.Import(ctx, path, query.ImportOptions{Table: "hostile"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != hostileRows || res.Key != "customer_id" {
		t.Fatalf("import: %d rows, key %q; want %d rows keyed by customer_id", res.Rows, res.Key, hostileRows)
	}
	cols, err := ws.Columns(ctx, "hostile")
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != len(hostileHeader) {
		t.Fatalf("the table has %d columns, the file %d: %v", len(cols), len(hostileHeader), cols)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return ws, rows, names
}

// TestHostileColumnsPaging pages the grid's views of a table whose columns shadow
// rowid, at offsets on both sides of the LIMIT/OFFSET threshold, and checks each
// page is exactly the rows the view holds there, in order.
func TestHostileColumnsPaging(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws, rows, names := hostileWorkspace(t)
	rowidCol, selectCol := names[1], names[4]
	byPosition := func(keep func(hostileRow) bool) []int64 {
		var ids []int64
		for _, r := range rows {
			if keep(r) {
				ids = append(ids, r.id)
			}
		}
		return ids
	}
	all := func(hostileRow) bool { return true }
	notZ := func(r hostileRow) bool { return r.sel != "z" }
	// Ties keep the file's order, as they do for any table.
	sortedBy := func(keep func(hostileRow) bool, desc bool) []int64 {
		kept := slices.DeleteFunc(slices.Clone(rows), func(r hostileRow) bool { return !keep(r) })
		slices.SortStableFunc(kept, func(a, b hostileRow) int {
			if desc {
				return b.rowid - a.rowid
			}
			return a.rowid - b.rowid
		})
		ids := make([]int64, len(kept))
		for i, r := range kept {
			ids[i] = r.id
		}
		return ids
	}
	where, err := segments.Filter(ctx, ws, "hostile", query.QuoteIdent(selectCol)+" <> 'z'")
	if err != nil {
		t.Fatal(err)
	}
	views := []struct {
		name string
		page query.Page
		want []int64
	}{
		{"unsorted", query.Page{}, byPosition(all)},
		{"filtered", query.Page{Where: where}, byPosition(notZ)},
		{"sorted by rowid", query.Page{OrderBy: rowidCol}, sortedBy(all, false)},
		{"sorted by rowid descending", query.Page{OrderBy: rowidCol, Desc: true}, sortedBy(all, true)},
		{"filtered and sorted", query.Page{Where: where, OrderBy: rowidCol}, sortedBy(notZ, false)},
	}
	const limit = 50
	for _, v := range views {
		n := int64(len(v.want))
		for _, offset := range []int64{0, 4_321, 9_990, 10_000, 15_017, n - limit, n - 7} {
			p := v.page
			p.Table, p.Offset, p.Limit = "hostile", offset, limit
			res, err := ws.Rows(ctx, p)
			if err != nil {
				t.Fatalf("%s at %d: %v", v.name, offset, err)
			}
			if got := resultNames(res); !slices.Equal(got, names) {
				t.Fatalf("%s at %d: columns %v, want the table's %v", v.name, offset, got, names)
			}
			want := v.want[offset:min(offset+limit, n)]
			if got := resultIDs(t, res); !slices.Equal(got, want) {
				t.Errorf("%s at %d: %d ids starting %v, want %d starting %v", v.name, offset, len(got), got[:min(5, len(got))], len(want), want[:min(5, len(want))])
			}
		}
	}
}

func resultNames(res *query.Result) []string {
	names := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		names[i] = c.Name
	}
	return names
}

func resultIDs(t *testing.T, res *query.Result) []int64 {
	t.Helper()
	ids := make([]int64, len(res.Rows))
	for i, row := range res.Rows {
		id, ok := row[0].(int64)
		if !ok {
			t.Fatalf("customer_id is %T %v", row[0], row[0])
		}
		ids[i] = id
	}
	return ids
}

// TestHostileColumnsAnalysis runs every per-column question (profile, group-by)
// on every hostile column, and a rule over two of them through counting, segment
// members, compare and export.
func TestHostileColumnsAnalysis(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws, rows, names := hostileWorkspace(t)
	rowidCol, selectCol := names[1], names[4]

	for i, name := range names {
		p, err := ws.ProfileColumn(ctx, "hostile", name, "")
		if err != nil {
			t.Errorf("profile %q: %v", name, err)
			continue
		}
		if p.Count != hostileRows || p.Nulls != 0 {
			t.Errorf("profile %q: %d rows, %d null; want %d, 0", name, p.Count, p.Nulls, hostileRows)
		}
		distinct := map[string]bool{}
		for _, r := range rows {
			distinct[r.fields[i]] = true
		}
		if p.Distinct != int64(len(distinct)) {
			t.Errorf("profile %q: %d distinct, want %d", name, p.Distinct, len(distinct))
		}
		g, err := ws.Group(ctx, query.Grouping{Table: "hostile", By: []string{name, selectCol}})
		if err != nil {
			t.Errorf("group by %q: %v", name, err)
			continue
		}
		// Two label columns, then the count.
		var total int64
		for _, row := range g.Rows {
			total += row[2].(int64)
		}
		if total != hostileRows {
			t.Errorf("group by %q: groups hold %d rows, want %d", name, total, hostileRows)
		}
	}
	profiles, err := ws.ProfileTable(ctx, "hostile")
	if err != nil {
		t.Fatal(err)
	}
	var profiled []string
	for _, p := range profiles {
		profiled = append(profiled, p.Name)
	}
	if !slices.Equal(profiled, names) {
		t.Errorf("table profile covers %v, want %v", profiled, names)
	}

	rule := query.QuoteIdent(rowidCol) + " > 3 and " + query.QuoteIdent(selectCol) + " = 'x'"
	var want int64
	for _, r := range rows {
		if r.rowid > 3 && r.sel == "x" {
			want++
		}
	}
	where, err := segments.Filter(ctx, ws, "hostile", rule)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ws.Count(ctx, "hostile", where); err != nil || n != want {
		t.Fatalf("count of %s: %d, %v; want %d", rule, n, err, want)
	}
	store := segments.NewStore(ws)
	if _, err := store.Define(ctx, segments.Definition{Name: "hostile_x", Table: "hostile", Rule: rule}); err != nil {
		t.Fatal(err)
	}
	members, err := store.Members(ctx, "hostile_x", want-3, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(members.Rows) != 3 {
		t.Errorf("the last page of members holds %d rows, want 3", len(members.Rows))
	}

	cmp, err := compare.Segments(ctx, ws, store, "hostile_x", "")
	if err != nil {
		t.Fatal(err)
	}
	if cmp.A.Size != want || cmp.B.Size != hostileRows-want {
		t.Errorf("compare: %d against %d, want %d against %d", cmp.A.Size, cmp.B.Size, want, hostileRows-want)
	}
	if _, ok := cmp.Column(selectCol); !ok {
		t.Errorf("compare left out %q: skipped %v", selectCol, cmp.Skipped)
	}

	e := export.New(ws, export.Options{Version: "test"})
	for _, format := range []export.Format{export.CSV, export.Parquet, export.JSON} {
		path := filepath.Join(t.TempDir(), "hostile."+string(format))
		res, err := e.Export(ctx, export.Request{Segment: "hostile_x", Format: format, Path: path})
		if err != nil {
			t.Errorf("export %s: %v", format, err)
			continue
		}
		if res.Manifest.Rows != want || !slices.Equal(res.Manifest.Columns, names) {
			t.Errorf("export %s: %d rows of %v, want %d of %v", format, res.Manifest.Rows, res.Manifest.Columns, want, names)
		}
		if format == export.CSV {
			checkHostileCSV(t, path, names, want)
		}
	}
}

// checkHostileCSV reads an export back without DuckDB: the header is the table's
// columns and every row meets the rule.
func checkHostileCSV(t *testing.T, path string, names []string, want int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) == 0 || !slices.Equal(records[0], names) {
		t.Fatalf("exported header %v, want %v", records[:min(1, len(records))], names)
	}
	if int64(len(records)-1) != want {
		t.Errorf("exported %d rows, want %d", len(records)-1, want)
	}
	for _, rec := range records[1:] {
		if v, _ := strconv.Atoi(rec[1]); v <= 3 || rec[4] != "x" {
			t.Fatalf("exported a row outside the rule: %s", strings.Join(rec, ","))
		}
	}
}

// TestShadowedRowidPositionName: the position column paging invents for a table
// that shadows rowid must not take the name of one of the table's own columns.
func TestShadowedRowidPositionName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	var b strings.Builder
	b.WriteString("RowID,segscope_position,SEGSCOPE_POSITION_,v\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,%d,%d,%d\n", 7, 40-i, i%3, i)
	}
	querytest.ImportCSV(t, ws, "positions", b.String())
	cols, err := ws.Columns(ctx, "positions")
	if err != nil {
		t.Fatal(err)
	}
	views := []struct {
		page query.Page
		want []int64 // the v column
	}{
		{query.Page{Offset: 35}, []int64{35, 36, 37, 38, 39}},
		{query.Page{OrderBy: "RowID", Offset: 35}, []int64{35, 36, 37, 38, 39}},
		{query.Page{OrderBy: "segscope_position", Desc: true, Offset: 33}, []int64{33, 34, 35, 36, 37, 38, 39}},
		{query.Page{OrderBy: "SEGSCOPE_POSITION_", Offset: 12}, []int64{36, 39, 1, 4, 7, 10, 13, 16, 19, 22}},
	}
	for _, v := range views {
		p := v.page
		p.Table, p.Limit = "positions", 10
		res, err := ws.Rows(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Columns) != len(cols) {
			t.Fatalf("%+v: columns %v, want %v", p, res.Columns, cols)
		}
		var got []int64
		for _, row := range res.Rows {
			got = append(got, row[len(cols)-1].(int64))
		}
		if !slices.Equal(got, v.want) {
			t.Errorf("%+v: v %v, want %v", p, got, v.want)
		}
	}
}
