package segments

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// telcoCSV is shaped like a telco churn export: a customerID key, Yes/No flag
// columns, a 0/1 column, and blank cells in the flags and the numbers.
const telcoCSV = `customerID,gender,SeniorCitizen,Partner,tenure,MonthlyCharges,TotalCharges,Churn
7590-VHVEG,Female,0,Yes,1,29.85,29.85,No
5575-GNVDE,Male,0,No,34,56.95,1889.5,No
3668-QPYBK,Male,0,No,2,53.85,108.15,Yes
7795-CFOCW,Male,0,No,45,42.30,1840.75,No
9237-HQITU,Female,0,No,2,70.70,151.65,Yes
9305-CDSKC,Female,1,No,,99.65,,Yes
1452-KIOVK,Male,0,Yes,22,89.10,1949.4,
6713-OKOMC,Female,0,No,10,,301.9,No
7892-POOKP,Female,1,,28,104.80,3046.05,Yes
6388-TABGU,Male,0,Yes,,56.15,,
`

const telcoRows = 10

// telcoWorkspace imports telcoCSV as table telco and checks that the flags
// arrived as booleans, which is what the rules below are about.
func telcoWorkspace(t *testing.T) (*query.Workspace, *Store) {
	t.Helper()
	ctx := context.Background()
	ws := querytest.Empty(t)
	path := filepath.Join(t.TempDir(), "telco.csv")
	if err := os.WriteFile(path, []byte(telcoCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(ctx, path, query.ImportOptions{Table: "telco", Key: "customerID"}); err != nil {
		t.Fatal(err)
	}
	cols, err := ws.Columns(ctx, "telco")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if (c.Name == "Churn" || c.Name == "Partner") && c.Type != "BOOLEAN" {
			t.Fatalf("column %s imported as %s, want BOOLEAN", c.Name, c.Type)
		}
	}
	return ws, NewStore(ws)
}

func TestYesNoRules(t *testing.T) {
	ctx := context.Background()
	ws, store := telcoWorkspace(t)
	tests := []struct {
		rule string
		want int64
	}{
		{"Churn", 4},
		{"Churn = 'Yes'", 4},
		{"churn = 'yes'", 4},
		{"Churn != 'no'", 4},
		{"Churn in ('Yes')", 4},
		{"Churn = 'true'", 4},
		{"Churn = 1", 4},
		{"Churn = 'No'", 4},
		{"Churn = 0", 4},
		{"not Churn", 6}, // with the two whose Churn is blank
		{"Churn not in ('Y') and Partner = 'N'", 3},
		{"Partner = 'Yes' or Churn = 'Yes'", 7},
	}
	for _, tc := range tests {
		where, err := Filter(ctx, ws, "telco", tc.rule)
		if err != nil {
			t.Errorf("%s: %v", tc.rule, err)
			continue
		}
		if strings.Contains(where, "'") {
			t.Errorf("%s compiled to %s: the yes/no words should be TRUE or FALSE", tc.rule, where)
		}
		n, err := ws.Count(ctx, "telco", where)
		if err != nil {
			t.Errorf("%s: %v", tc.rule, err)
		} else if n != tc.want {
			t.Errorf("%s (%s) counts %d rows, want %d", tc.rule, where, n, tc.want)
		}
	}

	_, err := store.Define(ctx, Definition{Name: "undecided", Table: "telco", Rule: "Churn = 'maybe'"})
	if err == nil || !strings.Contains(err.Error(), "Churn is true/false, not 'maybe' — write Churn = true or Churn = false") {
		t.Errorf("Churn = 'maybe': %v", err)
	}
}

// TestMembershipPartitions checks, on an imported file with blank cells, that
// every segment and its negation split the table: a row where a rule meets a
// missing value is in not (rule) and in not segment('x'), never in neither.
func TestMembershipPartitions(t *testing.T) {
	ctx := context.Background()
	ws, store := telcoWorkspace(t)
	defs := []struct{ name, rule string }{
		{"long_tenure", "tenure > 12"},
		{"churned", "Churn"},
		{"expensive_churn", "MonthlyCharges > 60 and Churn = 'Yes'"},
		{"partnered_or_senior", "Partner or SeniorCitizen = 1"},
		{"not_long", "not segment('long_tenure')"},
		{"neither", "not (segment('churned') or TotalCharges < 200)"},
		{"twice", "not not segment('expensive_churn')"},
		{"chain", "not segment('not_long') and not segment('neither')"},
	}
	for _, d := range defs {
		if _, err := store.Define(ctx, Definition{Name: d.name, Table: "telco", Rule: d.rule}); err != nil {
			t.Fatal(err)
		}
	}
	// Rows with a NULL in tenure, Churn or TotalCharges are what the sizes of
	// the negations hinge on.
	want := map[string]int64{
		"long_tenure": 4, "churned": 4, "expensive_churn": 3, "partnered_or_senior": 5,
		"not_long": 6, "neither": 5, "twice": 3, "chain": 1,
	}
	for _, d := range defs {
		n, err := store.Count(ctx, d.name)
		if err != nil {
			t.Fatal(err)
		}
		if n != want[d.name] {
			t.Errorf("segment %s (%s) has %d rows, want %d", d.name, d.rule, n, want[d.name])
		}
		for _, negation := range []string{"not segment('" + d.name + "')", "not (" + d.rule + ")"} {
			where, err := Filter(ctx, ws, "telco", negation)
			if err != nil {
				t.Fatal(err)
			}
			m, err := ws.Count(ctx, "telco", where)
			if err != nil {
				t.Fatal(err)
			}
			if n+m != telcoRows {
				t.Errorf("%s has %d rows and %s %d: together %d, want all %d", d.name, n, negation, m, n+m, telcoRows)
			}
		}
	}
}
