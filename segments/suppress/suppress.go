// Package suppress keeps the workspace's suppression lists: people who must never
// be exported again (erasure, do-not-contact, or any list a team names), whatever
// their consent says and however often their table is imported again.
//
// A list holds no personal data: each entry is the SHA-256 of the identifier in
// its normalized form (segments/identifier), salted with a random value kept in
// the workspace, so the hashes cannot be matched against anyone else's. Entries
// are independent of tables: at export time each table's key, email and phone
// columns are hashed the same way in DuckDB and looked up (Service.Predicate).
package suppress

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/identifier"
)

// Kind is what sort of identifier an entry was made from.
type Kind string

// The kinds. A Key entry matches the key column of whatever table is exported;
// Email and Phone entries match every column holding emails or phone numbers.
const (
	Key   Kind = "key"
	Email Kind = "email"
	Phone Kind = "phone"
)

// Kinds lists the kinds in the order they are shown.
var Kinds = []Kind{Key, Email, Phone}

// ParseKind reads a kind as a person writes it.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Kinds, k) {
		return k, nil
	}
	return "", fmt.Errorf("unknown identifier kind %q: use key, email or phone", s)
}

// Well-known lists; any other valid name makes a list of its own.
const (
	Erasure      = "erasure"
	DoNotContact = "do-not-contact"
)

// Compiled on first use: a bounded repeat compiles to a long program, which
// every command would otherwise pay for at start.
var listPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`) })

// ValidList checks a list's name.
func ValidList(name string) error {
	if !listPattern().MatchString(name) {
		return fmt.Errorf("%q is not a valid list name: use lowercase letters, digits, - and _ (for example %s or %s)", name, Erasure, DoNotContact)
	}
	return nil
}

const (
	saltTable = `CREATE TABLE IF NOT EXISTS segscope.suppression_salt (salt VARCHAR NOT NULL)`
	listTable = `CREATE TABLE IF NOT EXISTS segscope.suppressions (
	list VARCHAR NOT NULL, kind VARCHAR NOT NULL, hash VARCHAR NOT NULL, added_at TIMESTAMP, actor VARCHAR)`
)

// Audit actions of suppression lists. Their details hold counts, never values.
const (
	ActionAdd    = "suppress.add"
	ActionRemove = "suppress.remove"
)

// Service reads and changes a workspace's suppression lists.
type Service struct{ ws *query.Workspace }

// New returns the suppression lists of a workspace.
func New(ws *query.Workspace) *Service { return &Service{ws: ws} }

// Entry is one identifier as read from a file or given on the command line.
type Entry struct {
	// Line is where it was read (1 for a single value); errors name the line, not the value.
	Line  int
	Value string
}

// Normalize puts an identifier of kind k in the form that is hashed, with a
// plain-words reason when it cannot be. region is the country a phone number
// without a country code is read in ("" to require one).
func Normalize(k Kind, raw, region string) (string, error) {
	switch k {
	case Email:
		if e, ok := identifier.Email(raw, false); ok {
			return e, nil
		}
		return "", errors.New("not an email address (it needs one @, something before it, and a dotted domain, without spaces)")
	case Phone:
		if p, ok := identifier.E164(raw, region); ok {
			return p, nil
		}
		if region == "" {
			return "", errors.New("not a phone number with its country code (+44…): give --region for numbers without one")
		}
		return "", fmt.Errorf("not a valid phone number in %s or with its country code", strings.ToUpper(region))
	case Key:
		if k := keyText(raw); k != "" {
			return k, nil
		}
		return "", errors.New("empty key")
	}
	return "", fmt.Errorf("unknown identifier kind %q", k)
}

// keyText is a key as text, trimmed as keySQL trims it: the same key read from a
// file and from a table gives the same text. Case is kept: keys are exact.
func keyText(raw string) string { return strings.Trim(raw, whitespace) }

// whitespace is every character unicode.IsSpace accepts, for DuckDB's trim to
// strip what Go's TrimSpace strips (a test holds the two to agree).
var whitespace = func() string {
	var b strings.Builder
	for r := rune(0); r <= 0x3000; r++ {
		if unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}()

// Added says what an Add did.
type Added struct {
	List string `json:"list"`
	Kind Kind   `json:"kind"`
	// Read is how many entries were read; Added how many new hashes were stored;
	// AlreadyListed were on the list before; Duplicates repeated an entry read
	// earlier (after normalizing: "A@x.com " repeats "a@x.com").
	Read          int `json:"read"`
	Added         int `json:"added"`
	AlreadyListed int `json:"already_listed"`
	Duplicates    int `json:"duplicates"`
	// Skipped are the invalid entries left out with SkipInvalid.
	Skipped []Invalid `json:"skipped,omitempty"`
}

// Invalid is an entry that could not be normalized: its line and why, never its value.
type Invalid struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// InvalidError is returned when entries are invalid and SkipInvalid is off;
// nothing was added.
type InvalidError struct {
	Kind    Kind
	Invalid []Invalid
	// Removing says the entries were to be removed, not added.
	Removing bool
}

func (e *InvalidError) Error() string {
	const shown = 5
	var parts []string
	for i, in := range e.Invalid {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(e.Invalid)-shown))
			break
		}
		parts = append(parts, fmt.Sprintf("line %d: %s", in.Line, in.Reason))
	}
	nouns := map[Kind][2]string{Email: {"email address", "email addresses"}, Phone: {"phone number", "phone numbers"}, Key: {"key", "keys"}}[e.Kind]
	what := "1 entry is not a valid " + nouns[0]
	if len(e.Invalid) > 1 {
		what = fmt.Sprintf("%d entries are not valid %s", len(e.Invalid), nouns[1])
	}
	return fmt.Sprintf("%s, so nothing was %s (fix them%s): %s", what, e.verb(), e.skipAdvice(), strings.Join(parts, "; "))
}

func (e *InvalidError) verb() string {
	if e.Removing {
		return "removed"
	}
	return "added"
}

func (e *InvalidError) skipAdvice() string {
	if e.Removing {
		return ""
	}
	return ", or skip them with --skip-invalid"
}

// AddRequest is what to add to a list.
type AddRequest struct {
	List    string
	Kind    Kind
	Entries []Entry
	// Region reads phone numbers without a country code (ISO code: GB, US, ...).
	Region string
	// SkipInvalid adds the valid entries when some are not; otherwise any invalid
	// entry refuses the whole request.
	SkipInvalid bool
	// Source says where the entries came from (a file name), for the audit log.
	Source string
	Reason string
}

// Add hashes the entries and stores those not already on the list. The list,
// the salt (made on the first add) and the audit entry commit together.
func (s *Service) Add(ctx context.Context, req AddRequest) (res Added, err error) {
	err = s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err = s.add(ctx, tx, req)
		return err
	})
	if err != nil {
		return Added{}, fmt.Errorf("add to suppression list %s: %w", req.List, err)
	}
	return res, nil
}

// AddTx is Add inside tx, a Workspace.WriteTx the caller holds, so that the
// entries and their audit entry commit with the caller's change (an erasure).
func (s *Service) AddTx(ctx context.Context, tx *sql.Tx, req AddRequest) (Added, error) {
	res, err := s.add(ctx, tx, req)
	if err != nil {
		return Added{}, fmt.Errorf("add to suppression list %s: %w", req.List, err)
	}
	return res, nil
}

func (s *Service) add(ctx context.Context, tx *sql.Tx, req AddRequest) (Added, error) {
	if err := ValidList(req.List); err != nil {
		return Added{}, err
	}
	if _, err := ParseKind(string(req.Kind)); err != nil {
		return Added{}, err
	}
	res := Added{List: req.List, Kind: req.Kind, Read: len(req.Entries)}
	if len(req.Entries) == 0 {
		return Added{}, errors.New("no entries to add")
	}
	normalized := make([]string, 0, len(req.Entries))
	seen := make(map[string]bool, len(req.Entries))
	var invalid []Invalid
	for _, e := range req.Entries {
		n, err := Normalize(req.Kind, e.Value, req.Region)
		if err != nil {
			invalid = append(invalid, Invalid{Line: e.Line, Reason: err.Error()})
			continue
		}
		if seen[n] {
			res.Duplicates++
			continue
		}
		seen[n] = true
		normalized = append(normalized, n)
	}
	if len(invalid) > 0 && !req.SkipInvalid {
		return Added{}, &InvalidError{Kind: req.Kind, Invalid: invalid}
	}
	res.Skipped = invalid
	if len(normalized) == 0 {
		return Added{}, fmt.Errorf("none of the %d entries is a valid %s identifier", len(req.Entries), req.Kind)
	}
	err := func() error {
		salt, err := ensureSalt(ctx, tx)
		if err != nil {
			return err
		}
		hashes := make([]string, len(normalized))
		for i, n := range normalized {
			hashes[i] = Hash(salt, req.Kind, n)
		}
		now := time.Now().UTC()
		// The hashes are distinct already; those the list holds are left out in
		// the insert itself, so a long list is never read into memory.
		for chunk := range slices.Chunk(hashes, 10000) {
			values := make([]string, len(chunk))
			for i, h := range chunk {
				// A hash is hex: quoting it is for form's sake.
				values[i] = "(" + query.QuoteString(h) + ")"
			}
			r, err := tx.ExecContext(ctx, `INSERT INTO segscope.suppressions SELECT ?, ?, h, ?, ? FROM (VALUES `+
				strings.Join(values, ", ")+`) AS v(h) WHERE h NOT IN (SELECT hash FROM segscope.suppressions WHERE list = ? AND kind = ?)`,
				req.List, string(req.Kind), now, s.ws.Actor(), req.List, string(req.Kind))
			if err != nil {
				return err
			}
			n, err := r.RowsAffected()
			if err != nil {
				return err
			}
			res.Added += int(n)
		}
		res.AlreadyListed = len(hashes) - res.Added
		_, err = s.ws.AppendAudit(ctx, tx, ActionAdd, req.List, map[string]any{
			"kind": req.Kind, "read": res.Read, "added": res.Added, "already_listed": res.AlreadyListed,
			"duplicates": res.Duplicates, "skipped_invalid": len(res.Skipped), "source": req.Source, "reason": req.Reason,
		})
		return err
	}()
	if err != nil {
		return Added{}, err
	}
	return res, nil
}

// Removed says what a Remove did.
type Removed struct {
	List    string `json:"list"`
	Removed int64  `json:"removed"`
	// NotListed counts the entries given that were not on the list.
	NotListed int `json:"not_listed"`
}

// RemoveRequest is what to take off a list: the entries given, or with All the
// whole list.
type RemoveRequest struct {
	List    string
	Kind    Kind
	Entries []Entry
	Region  string
	All     bool
	Reason  string
}

// Remove takes entries (or with All, every entry) off a list, with its audit
// entry in the same transaction. An invalid entry refuses the whole request.
func (s *Service) Remove(ctx context.Context, req RemoveRequest) (Removed, error) {
	res, err := s.remove(ctx, req)
	if err != nil {
		return Removed{}, fmt.Errorf("remove from suppression list %s: %w", req.List, err)
	}
	return res, nil
}

func (s *Service) remove(ctx context.Context, req RemoveRequest) (Removed, error) {
	if err := ValidList(req.List); err != nil {
		return Removed{}, err
	}
	if strings.TrimSpace(req.Reason) == "" {
		return Removed{}, errors.New("say why with --reason: taking someone off a suppression list lets them be exported again")
	}
	if req.All == (len(req.Entries) > 0) {
		return Removed{}, errors.New("give the entries to remove, or ask for the whole list, not both or neither")
	}
	var normalized []string
	if !req.All {
		if _, err := ParseKind(string(req.Kind)); err != nil {
			return Removed{}, err
		}
		var invalid []Invalid
		for _, e := range req.Entries {
			n, err := Normalize(req.Kind, e.Value, req.Region)
			if err != nil {
				invalid = append(invalid, Invalid{Line: e.Line, Reason: err.Error()})
				continue
			}
			if !slices.Contains(normalized, n) {
				normalized = append(normalized, n)
			}
		}
		if len(invalid) > 0 {
			return Removed{}, &InvalidError{Kind: req.Kind, Invalid: invalid, Removing: true}
		}
	}
	res := Removed{List: req.List}
	err := s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		ok, err := hasTable(ctx, tx, "suppressions")
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("there is no suppression list %s", req.List)
		}
		var listed int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM segscope.suppressions WHERE list = ?`, req.List).Scan(&listed); err != nil {
			return err
		}
		if listed == 0 {
			return fmt.Errorf("there is no suppression list %s", req.List)
		}
		details := map[string]any{"reason": req.Reason}
		if req.All {
			r, err := tx.ExecContext(ctx, `DELETE FROM segscope.suppressions WHERE list = ?`, req.List)
			if err != nil {
				return err
			}
			res.Removed, _ = r.RowsAffected()
			details["all"] = true
		} else {
			salt, err := ensureSalt(ctx, tx)
			if err != nil {
				return err
			}
			for _, n := range normalized {
				r, err := tx.ExecContext(ctx, `DELETE FROM segscope.suppressions WHERE list = ? AND kind = ? AND hash = ?`,
					req.List, string(req.Kind), Hash(salt, req.Kind, n))
				if err != nil {
					return err
				}
				if gone, _ := r.RowsAffected(); gone == 0 {
					res.NotListed++
				} else {
					res.Removed += gone
				}
			}
			details["kind"], details["asked"], details["not_listed"] = req.Kind, len(normalized), res.NotListed
		}
		details["removed"] = res.Removed
		_, err = s.ws.AppendAudit(ctx, tx, ActionRemove, req.List, details)
		return err
	})
	if err != nil {
		return Removed{}, err
	}
	return res, nil
}

// Count is how many entries of a kind a list holds.
type Count struct {
	List    string    `json:"list"`
	Kind    Kind      `json:"kind"`
	Entries int64     `json:"entries"`
	Changed time.Time `json:"last_added"`
}

// Counts lists how many entries each list holds, by kind: never the entries.
func (s *Service) Counts(ctx context.Context) ([]Count, error) {
	ok, err := hasTable(ctx, s.ws.DB(), "suppressions")
	if err != nil || !ok {
		return nil, err
	}
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT list, kind, count(*), max(added_at) FROM segscope.suppressions
		GROUP BY list, kind ORDER BY list, CASE kind WHEN 'key' THEN 0 WHEN 'email' THEN 1 ELSE 2 END`)
	if err != nil {
		return nil, fmt.Errorf("count suppression lists: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.List, &c.Kind, &c.Entries, &c.Changed); err != nil {
			return nil, fmt.Errorf("count suppression lists: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Holding lists the lists that hold an identifier (normalized as Normalize
// gives it), by name.
func (s *Service) Holding(ctx context.Context, k Kind, normalized string) ([]string, error) {
	db := s.ws.DB()
	ok, err := hasTable(ctx, db, "suppressions")
	if err != nil || !ok {
		return nil, err
	}
	var salt string
	if err := db.QueryRowContext(ctx, `SELECT salt FROM segscope.suppression_salt`).Scan(&salt); err != nil {
		return nil, fmt.Errorf("read the lists' salt: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT list FROM segscope.suppressions WHERE kind = ? AND hash = ? ORDER BY list`,
		string(k), Hash(salt, k, normalized))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Hash is an entry's stored form: the salted SHA-256 of kind and normalized
// value. hashSQL computes the same in DuckDB.
func Hash(salt string, k Kind, normalized string) string {
	sum := sha256.Sum256([]byte(salt + ":" + string(k) + ":" + normalized))
	return hex.EncodeToString(sum[:])
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ensureSalt returns the workspace's salt, making the tables and the salt on
// first use: 32 random bytes, hex-encoded.
func ensureSalt(ctx context.Context, tx *sql.Tx) (string, error) {
	for _, ddl := range []string{saltTable, listTable} {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return "", err
		}
	}
	var salt string
	err := tx.QueryRowContext(ctx, `SELECT salt FROM segscope.suppression_salt`).Scan(&salt)
	if err == nil {
		return salt, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	salt = hex.EncodeToString(b)
	_, err = tx.ExecContext(ctx, `INSERT INTO segscope.suppression_salt VALUES (?)`, salt)
	return salt, err
}

func hasTable(ctx context.Context, q querier, name string) (bool, error) {
	var exists bool
	err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = ? AND database_name = current_database()`, name).Scan(&exists)
	return exists, err
}

// ReadEntries reads the identifiers of a file: with column, the named column of
// a CSV file with a header row (comma, or tab for a .tsv file); without, one
// identifier per line. Blank values are skipped; lines are numbered as in the
// file, the header being line 1.
func ReadEntries(r io.Reader, column string, tab bool) ([]Entry, error) {
	if column == "" {
		var out []Entry
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for line := 1; sc.Scan(); line++ {
			if strings.TrimSpace(sc.Text()) != "" {
				out = append(out, Entry{Line: line, Value: sc.Text()})
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read line %d: %w", len(out)+1, err)
		}
		return out, nil
	}
	cr := csv.NewReader(r)
	if tab {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty: it needs a header row naming its columns")
	}
	if err != nil {
		return nil, fmt.Errorf("read the header row: %w", err)
	}
	at := -1
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), column) {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("the file has no column %q (its columns: %s)", column, strings.Join(header, ", "))
	}
	var out []Entry
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read the file: %w", err) // a csv.ParseError names its line
		}
		line, _ := cr.FieldPos(0)
		if at < len(rec) && strings.TrimSpace(rec[at]) != "" {
			out = append(out, Entry{Line: line, Value: rec[at]})
		}
	}
}
