package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/segscope/segscope/query/anchor"
	"github.com/segscope/segscope/segments/consent"
)

// Manifest is written beside every export as FILE.manifest.json: what was exported,
// from where, under which consent policy, who was left out and why, and the file's
// SHA-256 so the file can be checked against it later.
type Manifest struct {
	SegscopeVersion string       `json:"segscope_version"`
	Workspace       string       `json:"workspace"`
	Table           string       `json:"table"`
	Segment         SegmentStamp `json:"segment"`
	// Channel is the consent channel the rows were gated on; "" for an internal
	// export with no gate.
	Channel       string          `json:"channel,omitempty"`
	ConsentPolicy *consent.Config `json:"consent_policy,omitempty"`
	ConsentAsOf   *time.Time      `json:"consent_as_of,omitempty"`
	// AdsRules says what ad platforms' requirements were applied beyond the
	// channel's consent (Google's two consents, a do-not-sell flag).
	AdsRules []string `json:"ads_rules,omitempty"`
	// SegmentSize = Rows + the sum of Excluded.
	SegmentSize int64                   `json:"segment_size"`
	Rows        int64                   `json:"rows"`
	Excluded    map[consent.State]int64 `json:"excluded"`
	Columns     []string                `json:"columns"`
	// WithheldPII lists personal-data columns left out of an export without a channel.
	WithheldPII []string `json:"withheld_pii_columns,omitempty"`
	// Identifiers counts, for a customer-match file, each field's valid, missing and invalid values.
	Identifiers map[string]FieldCount `json:"identifiers,omitempty"`
	// Formulas says, for a CSV or TSV file, how cells a spreadsheet could run as
	// formulas were written.
	Formulas *FormulaGuard `json:"formula_injection,omitempty"`
	Format   Format        `json:"format"`
	File     string        `json:"file"`
	// Audience is how the segment was narrowed (a split's arm, a priority step,
	// only the new members) and the snapshot of its members the export recorded.
	Audience *AudienceStamp `json:"audience,omitempty"`
	// Risk is the segment's risk flags and score at export, and the
	// acknowledgement a gated segment was exported with.
	Risk *RiskStamp `json:"risk,omitempty"`
	// Encryption says the file is encrypted (bytes and sha256 are then of the
	// encrypted file) and to whom; nil for a plain file.
	Encryption *EncryptionStamp `json:"encryption,omitempty"`
	Bytes      int64            `json:"bytes"`
	SHA256     string           `json:"sha256"`
	Query      string           `json:"query"`
	Created    time.Time        `json:"created"`
	Actor      string           `json:"actor"`
	// AuditCheckpoint is signed for this export's own audit entry: held against
	// the log by segscope audit --verify --against this manifest.
	AuditCheckpoint *anchor.Checkpoint `json:"audit_checkpoint"`
}

// SegmentStamp identifies the segment version exported.
type SegmentStamp struct {
	Name        string `json:"name"`
	Version     int    `json:"version"`
	Rule        string `json:"rule"`
	CompiledSQL string `json:"compiled_sql"`
}

// ManifestPath is where the manifest of an export to path is written.
func ManifestPath(path string) string { return path + ".manifest.json" }

// pendingDigest is a fileDigest running in the background.
type pendingDigest struct {
	done  chan struct{}
	bytes int64
	sum   string
	err   error
}

func startDigest(path string) *pendingDigest {
	d := &pendingDigest{done: make(chan struct{})}
	go func() {
		defer close(d.done)
		d.bytes, d.sum, d.err = fileDigest(path)
	}()
	return d
}

// wait returns the file's size and SHA-256 once they are known.
func (d *pendingDigest) wait() (int64, string, error) {
	<-d.done
	return d.bytes, d.sum, d.err
}

// fileDigest returns the size and SHA-256 of a file, and syncs it to disk so that a
// crash after the rename cannot leave an empty file under the final name.
func fileDigest(path string) (int64, string, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	if err := f.Sync(); err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// writeManifest writes m as indented JSON to a new temporary file in dir and
// returns its name.
func writeManifest(dir, base string, m *Manifest) (string, error) {
	var data bytes.Buffer
	enc := json.NewEncoder(&data)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // rules read "total_spent > 100", not "\u003e"
	if err := enc.Encode(m); err != nil {
		return "", fmt.Errorf("encode the manifest: %w", err)
	}
	f, err := createTemp(dir, ManifestPath(base))
	if err != nil {
		return "", fmt.Errorf("write the manifest: %w", err)
	}
	_, err = f.Write(data.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write the manifest: %w", err)
	}
	return f.Name(), nil
}
