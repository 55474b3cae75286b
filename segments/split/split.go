// Package split divides a segment's members into arms (a holdout and one or more
// test groups) by a hash of a salt and each member's key, so that a member keeps
// their arm across runs, re-imports and new versions of the segment's rule for as
// long as their key stays the same. It also sizes the arms, works out the
// smallest lift a test of those sizes can detect, and measures the lift after
// the campaign.
//
// The arm is decided by a hash segscope defines itself, not by DuckDB's hash(),
// whose values may change between DuckDB versions: MD5 of salt, ":" and the key
// as text; the first 16 hex digits (the digest's first 8 bytes, big-endian) as an
// unsigned integer, modulo 10,000, is the member's bucket; arms own consecutive
// ranges of buckets in the order they were given. Bucket computes the same in Go.
package split

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
)

// Buckets is how finely shares can be given: hundredths of a percent.
const Buckets = 10_000

// ErrNoSplit is wrapped when a segment has no split.
var ErrNoSplit = errors.New("no split")

// Arm is one group of a split; Share is in hundredths of a percent.
type Arm struct {
	Name  string `json:"name"`
	Share int    `json:"share_bp"`
}

// Percent is the arm's share in percent.
func (a Arm) Percent() float64 { return float64(a.Share) / 100 }

// Split is a segment's division into arms.
type Split struct {
	Segment string    `json:"segment"`
	Salt    string    `json:"salt"`
	Arms    []Arm     `json:"arms"`
	Created time.Time `json:"created"`
	Actor   string    `json:"actor"`
}

var armName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// ParseArms reads "control:10,treatment:90": names and percentages (up to two
// decimals) that must add up to 100.
func ParseArms(spec string) ([]Arm, error) {
	var arms []Arm
	total := 0
	seen := map[string]bool{}
	for _, part := range strings.Split(spec, ",") {
		name, share, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("arm %q: write each arm as NAME:PERCENT, e.g. control:10,treatment:90", part)
		}
		name = strings.TrimSpace(name)
		if !armName.MatchString(name) {
			return nil, fmt.Errorf("arm name %q: use lowercase letters, digits and _, starting with a letter", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("arm %s is named twice", name)
		}
		seen[name] = true
		pct, err := strconv.ParseFloat(strings.TrimSpace(share), 64)
		bp := math.Round(pct * 100)
		if err != nil || pct <= 0 || math.Abs(bp-pct*100) > 1e-6 {
			return nil, fmt.Errorf("arm %s: share %q is not a percentage above 0 with at most two decimals", name, share)
		}
		arms = append(arms, Arm{Name: name, Share: int(bp)})
		total += int(bp)
	}
	if len(arms) < 2 {
		return nil, fmt.Errorf("a split needs at least two arms, e.g. control:10,treatment:90")
	}
	if total != Buckets {
		return nil, fmt.Errorf("the arms' shares add up to %s%%, not 100%%", strconv.FormatFloat(float64(total)/100, 'f', -1, 64))
	}
	return arms, nil
}

// Bucket is the bucket (0 to 9,999) of a key, given as DuckDB casts it to text.
func Bucket(salt, key string) int {
	sum := md5.Sum([]byte(salt + ":" + key))
	return int(binary.BigEndian.Uint64(sum[:8]) % Buckets)
}

// bucketSQL computes Bucket in DuckDB for the key column.
func bucketSQL(salt, key string) string {
	return "(('0x' || left(md5(" + query.QuoteString(salt+":") + " || CAST(" + query.QuoteIdent(key) + " AS VARCHAR)), 16))::UBIGINT % " +
		strconv.Itoa(Buckets) + ")"
}

// bounds is the range of buckets [lo, hi) an arm owns.
func (s Split) bounds(arm string) (lo, hi int, err error) {
	for _, a := range s.Arms {
		if a.Name == arm {
			return lo, lo + a.Share, nil
		}
		lo += a.Share
	}
	names := make([]string, len(s.Arms))
	for i, a := range s.Arms {
		names[i] = a.Name
	}
	return 0, 0, fmt.Errorf("segment %s's split has no arm %q: its arms are %s", s.Segment, arm, strings.Join(names, ", "))
}

// Predicate selects the members of a table (by its key column) who fall in arm.
// It is a trusted SQL predicate: the salt is quoted, the rest is numbers.
func (s Split) Predicate(key, arm string) (string, error) {
	lo, hi, err := s.bounds(arm)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s BETWEEN %d AND %d", bucketSQL(s.Salt, key), lo, hi-1), nil
}

// armCase names the arm of bucket b.
func (s Split) armCase() string {
	var b strings.Builder
	b.WriteString("CASE")
	lo := 0
	for _, a := range s.Arms {
		fmt.Fprintf(&b, " WHEN b < %d THEN %s", lo+a.Share, query.QuoteString(a.Name))
		lo += a.Share
	}
	b.WriteString(" END")
	return b.String()
}

const splitsTable = `CREATE TABLE IF NOT EXISTS segscope.splits (
	segment VARCHAR, split VARCHAR, updated_at TIMESTAMP, actor VARCHAR)`

// ActionDefine is the audit action of a new or changed split.
const ActionDefine = "split.define"

// Service keeps splits in the workspace.
type Service struct {
	ws    *query.Workspace
	store *segments.Store
}

// New returns the split service of a workspace.
func New(ws *query.Workspace) *Service { return &Service{ws: ws, store: segments.NewStore(ws)} }

// Define splits a segment into arms. An empty salt is a random one, kept with the
// split. A segment already split differently keeps its split unless replace is
// set, since moving members between arms in the middle of a test spoils it. The
// split and its audit entry commit together.
func (s *Service) Define(ctx context.Context, segment string, arms []Arm, salt, reason string, replace bool) (Split, error) {
	sp, err := s.define(ctx, segment, arms, salt, reason, replace)
	if err != nil {
		return Split{}, fmt.Errorf("split %s: %w", segment, err)
	}
	return sp, nil
}

func (s *Service) define(ctx context.Context, segment string, arms []Arm, salt, reason string, replace bool) (Split, error) {
	if _, err := s.store.Get(ctx, segment); err != nil {
		return Split{}, err
	}
	if salt == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return Split{}, err
		}
		salt = hex.EncodeToString(b[:])
	}
	sp := Split{Segment: segment, Salt: salt, Arms: arms, Created: time.Now().UTC().Truncate(time.Microsecond), Actor: s.ws.Actor()}
	text, err := json.Marshal(sp)
	if err != nil {
		return Split{}, err
	}
	err = s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, splitsTable); err != nil {
			return err
		}
		prev, err := stored(ctx, tx, segment)
		if err != nil && !errors.Is(err, ErrNoSplit) {
			return err
		}
		if err == nil && !replace {
			return fmt.Errorf("it is already split (%s, salt %s): pass --replace to split it again, which moves members between arms", describe(prev.Arms), prev.Salt)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.splits WHERE segment = ?`, segment); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.splits VALUES (?, ?, ?, ?)`, segment, string(text), sp.Created, sp.Actor); err != nil {
			return err
		}
		details := map[string]any{"split": sp, "reason": reason}
		if err == nil {
			details["previous"] = prev
		}
		_, err = s.ws.AppendAudit(ctx, tx, ActionDefine, segment, details)
		return err
	})
	return sp, err
}

func describe(arms []Arm) string {
	parts := make([]string, len(arms))
	for i, a := range arms {
		parts[i] = a.Name + ":" + strconv.FormatFloat(a.Percent(), 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}

// Spec is the split's arms as --arms takes them.
func (s Split) Spec() string { return describe(s.Arms) }

// Get returns a segment's split; the error wraps ErrNoSplit if it has none.
func (s *Service) Get(ctx context.Context, segment string) (Split, error) {
	sp, err := stored(ctx, s.ws.DB(), segment)
	if err != nil {
		return Split{}, fmt.Errorf("split of %s: %w", segment, err)
	}
	return sp, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func stored(ctx context.Context, q querier, segment string) (Split, error) {
	var exists bool
	if err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = 'splits' AND database_name = current_database()`).Scan(&exists); err != nil {
		return Split{}, err
	}
	var text string
	if exists {
		err := q.QueryRowContext(ctx, `SELECT split FROM segscope.splits WHERE segment = ?`, segment).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			exists = false
		} else if err != nil {
			return Split{}, err
		}
	}
	if !exists {
		return Split{}, fmt.Errorf("%w: segment %s has not been split; split it with `segscope split %s --arms control:10,treatment:90`", ErrNoSplit, segment, segment)
	}
	var sp Split
	if err := json.Unmarshal([]byte(text), &sp); err != nil {
		return Split{}, fmt.Errorf("the stored split is damaged: %w", err)
	}
	return sp, nil
}

// ArmSize is how many members an arm holds now.
type ArmSize struct {
	Arm
	Members int64   `json:"members"`
	Actual  float64 `json:"actual_share"`
}

// Sizes counts the segment's members in each arm, in one pass.
func (s *Service) Sizes(ctx context.Context, sp Split) ([]ArmSize, error) {
	c, err := s.store.Compile(ctx, sp.Segment)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT `+sp.armCase()+` AS arm, count(*) FROM (SELECT `+bucketSQL(sp.Salt, c.Key)+
		` AS b FROM main.`+query.QuoteIdent(c.Table)+` WHERE (`+c.Where+`)) GROUP BY arm`)
	if err != nil {
		return nil, fmt.Errorf("arm sizes of %s: %w", sp.Segment, err)
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var arm string
		var n int64
		if err := rows.Scan(&arm, &n); err != nil {
			return nil, fmt.Errorf("arm sizes of %s: %w", sp.Segment, err)
		}
		counts[arm] = n
		total += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("arm sizes of %s: %w", sp.Segment, err)
	}
	out := make([]ArmSize, len(sp.Arms))
	for i, a := range sp.Arms {
		out[i] = ArmSize{Arm: a, Members: counts[a.Name]}
		if total > 0 {
			out[i].Actual = float64(counts[a.Name]) / float64(total)
		}
	}
	return out, nil
}

// Control is the arm the others are measured against: one named control or
// holdout, else the first.
func (s Split) Control() string {
	for _, a := range s.Arms {
		if a.Name == "control" || a.Name == "holdout" {
			return a.Name
		}
	}
	return s.Arms[0].Name
}
