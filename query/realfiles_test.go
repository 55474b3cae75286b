package query

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Fixtures shaped like the customer files people actually have: written here,
// a few rows each, with the traps of the real thing.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

var (
	telcoExport = crlf(`customerID,gender,SeniorCitizen,tenure,Contract,MonthlyCharges,TotalCharges,Churn
7590-VHVEG,Female,0,1,Month-to-month,29.85,29.85,No
5575-GNVDE,Male,0,34,One year,56.95,1889.5,No
3668-QPYBK,Male,0,2,Month-to-month,53.85,108.15,Yes
7795-CFOCW,Male,0,0,Two year,42.30, ,No
9237-HQITU,Female,0,2,Month-to-month,70.70,151.65,Yes
4190-MFLUW,Female,1,0,Two year,89.10, ,No
`)
	retailCSV = `InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,6,01/12/2010,2.55,17850.0,United Kingdom
536365,71053,6,01/12/2010,3.39,17850.0,United Kingdom
536366,22633,6,01/12/2010,1.85,,United Kingdom
536367,84879,32,13/12/2010,1.69,13047.0,United Kingdom
536368,22960,6,13/12/2010,4.25,12583.0,France
`
	mallCSV = `CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)
1,Male,19,15,39
2,Male,21,15,81
3,Female,20,16,6
4,Female,23,16,77
`
	bankCSV = `"age";"job";"marital";"balance";"housing";"y"
58;"management";"married";2143;"yes";"no"
44;"technician";"single";29;"yes";"no"
33;"entrepreneur";"married";2;"yes";"no"
47;"blue-collar";"married";1506;"yes";"no"
`
	streamingCSV = `User ID,Subscription Type,Monthly Revenue,Join Date,Last Payment Date,Country,Age,Gender,Device,Plan Duration
1,Basic,10,15-01-22,10-06-23,United States,28,Male,Smartphone,1 Month
2,Premium,15,05-09-21,22-06-23,Canada,35,Female,Tablet,1 Month
3,Standard,12,28-02-23,27-06-23,United Kingdom,42,Male,Smart TV,1 Month
`
)

func TestRealFilesGetKeys(t *testing.T) {
	t.Parallel()
	w := openMemory(t)
	dir := t.TempDir()
	cases := []struct {
		name, file, content, key string
		surrogate                bool
	}{
		{"telco camelCase ID with CRLF", "telco.csv", telcoExport, "customerID", false},
		{"transactions have no person key", "retail.csv", retailCSV, SurrogateKey, true},
		{"mall CustomerID", "mall.csv", mallCSV, "CustomerID", false},
		{"bank marketing without an ID", "bank.csv", bankCSV, SurrogateKey, true},
		{"spaced User ID", "streaming.csv", streamingCSV, "User ID", false},
		{"USERID in capitals", "caps.csv", "USERID,plan\nA1,x\nA2,y\nA3,z\n", "USERID", false},
		{"subscriber", "subs.csv", "subscriber,plan\nS-1,x\nS-2,y\nS-3,z\n", "subscriber", false},
		{"identifier by content", "codes.csv", "plan,ref,score\nx,AB-001,3\ny,AB-002,3\nx,AB-003,4\n", "ref", false},
		{"an email column is never the key", "emails.csv", "email,plan\na@x.com,x\nb@x.com,y\nc@x.com,z\n", SurrogateKey, true},
		{"emails in a column not named so", "contacts.csv", "contact_ref,plan\na@x.com,x\nb@x.com,y\nc@x.com,z\n", SurrogateKey, true},
		{"a duplicated id falls to the next", "dups.csv", "id,member_id,plan\n1,M1,x\n1,M2,y\n2,M3,z\n", "member_id", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustImport(t, w, writeFile(t, dir, c.file, c.content), ImportOptions{})
			if res.Key != c.key || res.Surrogate != c.surrogate || res.KeyReason == "" {
				t.Fatalf("key %q (surrogate %v, %q), want %q\n%s", res.Key, res.Surrogate, res.KeyReason, c.key, strings.Join(res.Summary(), "\n"))
			}
			info, err := w.Table(context.Background(), res.Table)
			if err != nil || info.Key != c.key {
				t.Fatalf("table key %q, %v", info.Key, err)
			}
		})
	}
}

func TestSurrogateKeyIsStableAcrossReimports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	path := writeFile(t, t.TempDir(), "bank.csv", bankCSV)
	first := mustImport(t, w, path, ImportOptions{})
	read := func() []string {
		var got []string
		rows, err := w.DB().QueryContext(ctx, `SELECT row_id || ':' || job FROM main.bank ORDER BY row_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			got = append(got, s)
		}
		return got
	}
	before := read()
	second := mustImport(t, w, path, ImportOptions{})
	after := read()
	if !first.Surrogate || !second.Surrogate || strings.Join(before, ",") != strings.Join(after, ",") {
		t.Fatalf("surrogate keys changed: %v then %v", before, after)
	}
	if want := "1:management,2:technician,3:entrepreneur,4:blue-collar"; strings.Join(after, ",") != want {
		t.Fatalf("row_id is not the file position: %v", after)
	}
	if !strings.Contains(second.KeyReason, "previous import") {
		t.Fatalf("re-import reason %q", second.KeyReason)
	}
}

func TestReimportKeepsAChosenKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	path := writeFile(t, dir, "people.csv", "id,code,plan\n1,c1,x\n2,c2,y\n3,c3,z\n")
	mustImport(t, w, path, ImportOptions{Key: "code"})
	res := mustImport(t, w, path, ImportOptions{})
	if res.Key != "code" {
		t.Fatalf("re-import chose %q, want the kept key code", res.Key)
	}
	if err := w.SetKey(ctx, "people", "id"); err != nil {
		t.Fatal(err)
	}
	if res := mustImport(t, w, path, ImportOptions{}); res.Key != "id" {
		t.Fatalf("after SetKey, re-import chose %q", res.Key)
	}
	// A kept key that stops qualifying gives way, and the summary says why.
	writeFile(t, dir, "people.csv", "id,code,plan\n1,c1,x\n1,c2,y\n3,c3,z\n")
	res = mustImport(t, w, path, ImportOptions{})
	if res.Key == "id" || !strings.Contains(strings.Join(res.Summary(), ";"), "previous key id") {
		t.Fatalf("key %q, summary %q", res.Key, res.Summary())
	}
}

func TestKeyCandidatesAndSetKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	mustImport(t, w, writeFile(t, t.TempDir(), "telco.csv", telcoExport), ImportOptions{})
	cands, err := w.KeyCandidates(ctx, "telco")
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) == 0 || cands[0].Column != "customerID" || !cands[0].Chosen || !cands[0].Usable {
		t.Fatalf("first candidate %+v", cands[0])
	}
	reasons := map[string]KeyCandidate{}
	for _, c := range cands {
		reasons[c.Column] = c
	}
	if c := reasons["gender"]; c.Usable || c.Reason == "" {
		t.Fatalf("gender: %+v", c)
	}
	if c := reasons["MonthlyCharges"]; c.Usable || !strings.Contains(c.Reason, "decimal") {
		t.Fatalf("MonthlyCharges: %+v", c)
	}
	if c := reasons[SurrogateKey]; !c.Usable {
		t.Fatalf("surrogate not offered: %+v", c)
	}
	if err := w.SetKey(ctx, "telco", "gender"); err == nil || !strings.Contains(err.Error(), "not unique") {
		t.Fatalf("gender accepted as key: %v", err)
	}
	if err := w.SetKey(ctx, "telco", SurrogateKey); err != nil {
		t.Fatal(err)
	}
	info, _ := w.Table(ctx, "telco")
	cols, _ := w.Columns(ctx, "telco")
	if info.Key != SurrogateKey || cols[0].Name != SurrogateKey {
		t.Fatalf("key %q, first column %q", info.Key, cols[0].Name)
	}
	log, _ := w.AuditLog(ctx, AuditFilter{Action: ActionKeyChange})
	if len(log) != 1 || !strings.Contains(log[0].Details, `"previous":"customerID"`) {
		t.Fatalf("audit %+v", log)
	}
}

func TestIdentifiersStayExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	// The big ids would round through DOUBLE: 123456789012345678901234 and ...235 are one double.
	mustImport(t, w, writeFile(t, dir, "big.csv", "id,plan\n123456789012345678901234,x\n123456789012345678901235,y\n18446744073709551617,z\n"), ImportOptions{})
	var typ, ids string
	if err := w.DB().QueryRowContext(ctx, `SELECT any_value(typeof(id)), string_agg(CAST(id AS VARCHAR), ',' ORDER BY id) FROM main.big`).Scan(&typ, &ids); err != nil {
		t.Fatal(err)
	}
	if typ != "HUGEINT" || ids != "18446744073709551617,123456789012345678901234,123456789012345678901235" {
		t.Fatalf("big ids %s %s", typ, ids)
	}
	if info, _ := w.Table(ctx, "big"); info.Key != "id" {
		t.Fatalf("big ids: key %q", info.Key)
	}

	res := mustImport(t, w, writeFile(t, dir, "retail.csv", retailCSV), ImportOptions{})
	if err := w.DB().QueryRowContext(ctx, `SELECT any_value(typeof(CustomerID)), string_agg(CAST(CustomerID AS VARCHAR), ',' ORDER BY row_id) FROM main.retail`).Scan(&typ, &ids); err != nil {
		t.Fatal(err)
	}
	if typ != "BIGINT" || ids != "17850,17850,13047,12583" {
		t.Fatalf("float ids: %s %s", typ, ids)
	}
	if s := strings.Join(res.Summary(), "\n"); !strings.Contains(s, "CustomerID: whole numbers stored as text: read as whole numbers (BIGINT); 1 blank or N/A cell read as missing") {
		t.Fatalf("summary does not tell about CustomerID:\n%s", s)
	}

	mustImport(t, w, writeFile(t, dir, "padded.csv", "member_no,plan\n0001,x\n0002,y\n0103,z\n"), ImportOptions{})
	if err := w.DB().QueryRowContext(ctx, `SELECT any_value(typeof(member_no)), string_agg(member_no, ',' ORDER BY member_no) FROM main.padded`).Scan(&typ, &ids); err != nil {
		t.Fatal(err)
	}
	if typ != "VARCHAR" || ids != "0001,0002,0103" {
		t.Fatalf("zero-padded ids: %s %s", typ, ids)
	}
}

func TestTypesAPersonExpects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	res := mustImport(t, w, writeFile(t, dir, "telco.csv", telcoExport), ImportOptions{})
	types := map[string]string{}
	cols, _ := w.Columns(ctx, "telco")
	for _, c := range cols {
		types[c.Name] = c.Type
	}
	if types["TotalCharges"] != "DOUBLE" || types["Churn"] != "BOOLEAN" || types["tenure"] != "BIGINT" {
		t.Fatalf("types %v", types)
	}
	var blanks int64
	for _, c := range res.Changes {
		if c.Column == "TotalCharges" {
			blanks = c.Count
		}
	}
	if blanks != 2 || !strings.Contains(strings.Join(res.Summary(), "\n"), "2 blank or N/A cells read as missing") {
		t.Fatalf("blank count %d; summary:\n%s", blanks, strings.Join(res.Summary(), "\n"))
	}
	var total float64
	if err := w.DB().QueryRowContext(ctx, `SELECT sum(TotalCharges) FROM main.telco`).Scan(&total); err != nil || total < 2179.1 || total > 2179.2 {
		t.Fatalf("sum TotalCharges %v, %v", total, err)
	}

	// Day-first dates stay right, and a month-first file whose first rows could be
	// either is read month first once a later row settles it, with no row lost.
	mustImport(t, w, writeFile(t, dir, "retail.csv", retailCSV), ImportOptions{})
	var d string
	if err := w.DB().QueryRowContext(ctx, `SELECT CAST(max(InvoiceDate) AS VARCHAR) FROM main.retail`).Scan(&d); err != nil || d != "2010-12-13" {
		t.Fatalf("dd/mm dates: %q %v", d, err)
	}
	var us strings.Builder
	us.WriteString("id,signup\n")
	for i := range 25000 {
		fmt.Fprintf(&us, "%d,0%d/0%d/2020\n", i, 1+i%9, 1+i%7)
	}
	us.WriteString("25000,12/25/2020\n")
	res = mustImport(t, w, writeFile(t, dir, "us.csv", us.String()), ImportOptions{})
	if err := w.DB().QueryRowContext(ctx, `SELECT CAST(max(signup) AS VARCHAR) FROM main.us`).Scan(&d); err != nil || d != "2020-12-25" || res.Rows != 25001 || res.Rejected != 0 {
		t.Fatalf("late month-first date: max %q rows %d rejected %d %v\n%s", d, res.Rows, res.Rejected, err, strings.Join(res.Summary(), "\n"))
	}

	// Day-first times, with one-digit hours, as a shop's export writes them.
	mustImport(t, w, writeFile(t, dir, "orders.csv", "order_no,placed\n1,01/12/2010 8:26\n2,13/12/2010 17:05\n3,\n"), ImportOptions{})
	if err := w.DB().QueryRowContext(ctx, `SELECT CAST(max(placed) AS VARCHAR) || ' ' || any_value(typeof(placed)) FROM main.orders`).Scan(&d); err != nil || d != "2010-12-13 17:05:00 TIMESTAMP" {
		t.Fatalf("day-first times: %q %v", d, err)
	}

	// A decimal comma in a ;-separated file, with an N/A.
	mustImport(t, w, writeFile(t, dir, "eu.csv", "id;amount;active\n1;3,5;Yes\n2;4,25;No\n3;N/A;yes\n"), ImportOptions{})
	var amount float64
	var active int
	if err := w.DB().QueryRowContext(ctx, `SELECT sum(amount), count(*) FILTER (WHERE active) FROM main.eu`).Scan(&amount, &active); err != nil || amount != 7.75 || active != 2 {
		t.Fatalf("decimal comma: %v %v %v", amount, active, err)
	}
}

func TestHeaderTraps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	summary := func(res ImportResult) string { return strings.Join(res.Summary(), "\n") }

	res := mustImport(t, w, writeFile(t, dir, "sep.csv", "sep=;\r\nid;name;plan\r\n1;Ann;x\r\n2;Bob;y\r\n"), ImportOptions{})
	if res.Rows != 2 || res.Columns != 3 || !strings.Contains(summary(res), `"sep=;"`) {
		t.Fatalf("sep= line: %d rows, %d columns\n%s", res.Rows, res.Columns, summary(res))
	}
	res = mustImport(t, w, writeFile(t, dir, "pre.csv", "Customer report\nGenerated 2026-11-01\n\nCustomerID,Gender,Age\n1,Male,19\n2,Female,21\n3,Female,20\n"), ImportOptions{})
	if res.Rows != 3 || res.Key != "CustomerID" || !strings.Contains(summary(res), "above the header") {
		t.Fatalf("preamble: %d rows key %q\n%s", res.Rows, res.Key, summary(res))
	}
	res = mustImport(t, w, writeFile(t, dir, "rep.csv", "id,name,plan\n1,Ann,x\n2,Bob,y\nid,name,plan\n3,Cid,z\n"), ImportOptions{})
	var idType string
	w.DB().QueryRowContext(ctx, `SELECT any_value(typeof(id)) FROM main.rep`).Scan(&idType)
	if res.Rows != 3 || idType != "BIGINT" || res.Rejected != 0 || !strings.Contains(summary(res), "removed 1 line repeating the header") {
		t.Fatalf("repeated header: %d rows, id %s\n%s", res.Rows, idType, summary(res))
	}
	res = mustImport(t, w, writeFile(t, dir, "nohead.csv", "ann@x.com,Ann,London\nbob@y.org,Bob,Leeds\ncid@z.net,Cid,York\n"), ImportOptions{})
	if res.Rows != 3 || !strings.Contains(summary(res), "looks like data") {
		t.Fatalf("first row taken as header: %d rows\n%s", res.Rows, summary(res))
	}
	res = mustImport(t, w, writeFile(t, dir, "names.csv", "id,email,email,,plan\n1,a@x.com,b@x.com,q,x\n2,c@x.com,d@x.com,r,y\n"), ImportOptions{})
	if s := summary(res); !strings.Contains(s, `"email" is used by more than one column`) || !strings.Contains(s, "column 4 has no name") {
		t.Fatalf("renames not reported:\n%s", s)
	}
	res = mustImport(t, w, writeFile(t, dir, "ragged.csv", "id,name\n1,Ann\n2,Bob,extra\n3,Cid\n"), ImportOptions{})
	if s := summary(res); res.Rejected != 1 || !strings.Contains(s, "1 row rejected: too many fields (first at line 3)") {
		t.Fatalf("ragged: rejected %d\n%s", res.Rejected, s)
	}
}

func TestImportErrorsInPlainWords(t *testing.T) {
	t.Parallel()
	w := openMemory(t)
	dir := t.TempDir()
	path := writeFile(t, dir, "broken.json", `[{"id":1},{"id":`)
	_, err := w.Import(context.Background(), path, ImportOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), "import "+path+": the JSON is malformed at byte") || strings.Contains(err.Error(), "Error:") || strings.Contains(err.Error(), "CREATE") {
		t.Fatalf("broken JSON: %v", err)
	}
	res := mustImport(t, w, writeFile(t, dir, "huge.csv", "id,n\n1,1e400\n2,5\n"), ImportOptions{})
	if s := strings.Join(res.Summary(), "\n"); !strings.Contains(s, "n: 1 number beyond the largest a number can be (such as 1e400): read as infinity") {
		t.Fatalf("huge number:\n%s", s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.Import(ctx, writeFile(t, dir, "late.csv", "id\n1\n"), ImportOptions{}); err == nil || !strings.Contains(err.Error(), "cancelled; the workspace is as it was") {
		t.Fatalf("cancelled import: %v", err)
	}
}

func TestLatestTableIsWhereTheUserLeftOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	if got, err := w.LatestTable(ctx); err != nil || got != "" {
		t.Fatalf("empty workspace: %q, %v", got, err)
	}
	mustImport(t, w, writeFile(t, dir, "mall.csv", mallCSV), ImportOptions{})
	mustImport(t, w, writeFile(t, dir, "telco.csv", telcoExport), ImportOptions{})
	if got, _ := w.LatestTable(ctx); got != "telco" {
		t.Fatalf("latest %q, want telco", got)
	}
	mustImport(t, w, writeFile(t, dir, "mall.csv", mallCSV), ImportOptions{})
	if got, _ := w.LatestTable(ctx); got != "mall" {
		t.Fatalf("after re-importing mall, latest %q", got)
	}
}

func TestSniffedTypesAreTold(t *testing.T) {
	t.Parallel()
	w := openMemory(t)
	res := mustImport(t, w, writeFile(t, t.TempDir(), "churn.csv", "id,Churn,joined\n1,Yes,13/02/2020\n2,No,01/03/2020\n3,Yes,05/04/2020\n"), ImportOptions{})
	s := strings.Join(res.Summary(), "\n")
	for _, want := range []string{"Churn: No/Yes read as true/false (BOOLEAN); rules may still say Churn = 'Yes'", "joined: dates written dd/mm/yyyy read as DATE"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	res = mustImport(t, w, writeFile(t, t.TempDir(), "iso.csv", "id,active,joined\n1,true,2020-02-13\n2,false,2020-03-01\n"), ImportOptions{})
	if len(res.Changes) != 0 {
		t.Errorf("an ISO file reports changes: %v", res.Summary())
	}
}
