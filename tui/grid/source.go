package grid

import (
	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/tui/draw"
)

// Rows is a Source over rows already in memory (a SQL result).
type Rows [][]any

// Len implements Source.
func (r Rows) Len() int64 { return int64(len(r)) }

// Row implements Source.
func (r Rows) Row(i int64) ([]any, bool) {
	if i < 0 || i >= int64(len(r)) {
		return nil, false
	}
	return r[i], true
}

// ColumnsOf describes result or table columns for the grid, flagging numbers
// (right-aligned) and personal data (masked) by name and type.
func ColumnsOf(cols []query.Column) []Column {
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = Column{Name: c.Name, Type: c.Type, Numeric: query.Numeric(c.Type), PII: pii.ForColumn(c.Name, c.Type)}
	}
	return out
}

// DetectPII looks at sampled text values of columns not already flagged and
// flags those that hold emails, phone numbers or IP addresses.
func (m *Model) DetectPII(rows [][]any) {
	for i, c := range m.cols {
		if c.PII != pii.None || c.Numeric {
			continue
		}
		var sample []string
		for _, r := range rows {
			if i >= len(r) {
				continue
			}
			if s, ok := r[i].(string); ok {
				sample = append(sample, s)
			}
			if len(sample) == 50 {
				break
			}
		}
		if k := pii.FromValues(sample); k != pii.None {
			m.cols[i].PII = k
			m.seenMasked[i] = 0
			for _, s := range sample {
				m.seenMasked[i] = max(m.seenMasked[i], min(draw.Width(pii.Mask(k, s)), maxWidth))
			}
		}
	}
}
