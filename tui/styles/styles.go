// Package styles holds the console's one set of semantic styles. Components ask
// for a meaning (an error, the cursor row, a masked value), never for a colour,
// so the dark, light and no-colour themes stay interchangeable.
package styles

import "charm.land/lipgloss/v2"

// Theme names the three variants.
type Theme int

const (
	Dark Theme = iota
	Light
	NoColor
)

func (t Theme) String() string {
	switch t {
	case Light:
		return "light"
	case NoColor:
		return "nocolor"
	}
	return "dark"
}

// Styles is every look the console uses.
type Styles struct {
	Theme Theme

	// Chrome: tab bar, status line, short help.
	Tab, TabActive, TabKey       lipgloss.Style
	Status, StatusKey, StatusDim lipgloss.Style
	StatusBusy, StatusErr        lipgloss.Style
	HelpKey, HelpDesc, HelpSep   lipgloss.Style

	// Text with meaning.
	Title, Subtitle, Muted, Faint lipgloss.Style
	Accent, Good, Warn, Error     lipgloss.Style
	ErrorCaret, Notice            lipgloss.Style

	// Panels and dialogs.
	PanelTitle    lipgloss.Style
	Dialog        lipgloss.Style
	Selected      lipgloss.Style
	SelectedMatch lipgloss.Style
	Match         lipgloss.Style

	// Sidebar of tables.
	Item, ItemActive, ItemCursor lipgloss.Style

	// Grid.
	Header, HeaderCurrent, HeaderSort lipgloss.Style
	Rule                              lipgloss.Style
	Cell, Number, Null, Loading       lipgloss.Style
	Masked, Revealed                  lipgloss.Style
	CursorRow, CursorCell             lipgloss.Style
	CursorNumber, CursorMasked        lipgloss.Style
	Frozen                            lipgloss.Style
	ScrollTrack, ScrollThumb          lipgloss.Style
	Bar                               lipgloss.Style

	// Rule syntax highlighting.
	TokKeyword, TokColumn, TokString, TokNumber lipgloss.Style
	TokOperator, TokFunction, TokError          lipgloss.Style
	InputCursor, InputPrompt, Placeholder       lipgloss.Style

	// Differences between versions of a text.
	DiffAdd, DiffDel lipgloss.Style

	// Heat scales a share from low (Heat[0]) to high (Heat[3]), as the
	// background of a cell; the consent matrix draws contactable shares with it.
	Heat [4]lipgloss.Style
	// SideA and SideB tell the two sides of a comparison apart.
	SideA, SideB lipgloss.Style
	// BannerGood and BannerBad are verdicts meant to be seen at a glance
	// (an intact or a broken audit chain).
	BannerGood, BannerBad lipgloss.Style
}

type palette struct {
	fg, muted, faint, border           string
	accent, accentFg, teal, amber, red string
	green, blue, yellow                string
	status, rowBg, cellBg, maskFg      string
	heat                               [4]string
}

var dark = palette{
	fg: "#E6E6EB", muted: "#9A9AA8", faint: "#5F5F6E", border: "#3C3C4A",
	accent: "#9D8CFF", accentFg: "#15121F", teal: "#5EEAD4", amber: "#FBBF24", red: "#FF7A85",
	green: "#6EE7A0", blue: "#7DC4FF", yellow: "#F5D76E",
	status: "#24232E", rowBg: "#2D2B3D", cellBg: "#4A4275", maskFg: "#B4A8E8",
	heat: [4]string{"#2B2640", "#40366E", "#5C4AA6", "#8D7AF0"},
}

var light = palette{
	fg: "#1F1F29", muted: "#5E5E6E", faint: "#9A9AAA", border: "#C9C9D6",
	accent: "#5B3FD9", accentFg: "#FFFFFF", teal: "#0E7C72", amber: "#A35A00", red: "#C2253A",
	green: "#167A3E", blue: "#1F62B5", yellow: "#8A6A00",
	status: "#ECEBF3", rowBg: "#E9E5FB", cellBg: "#CDC3F7", maskFg: "#6650C8",
	heat: [4]string{"#F3F0FD", "#DDD4FB", "#BBA9F5", "#7F62E6"},
}

// New builds the styles for a theme.
func New(t Theme) *Styles {
	if t == NoColor {
		return noColor()
	}
	p := dark
	if t == Light {
		p = light
	}
	c := lipgloss.Color
	s := lipgloss.NewStyle
	st := &Styles{Theme: t}

	st.Tab = s().Foreground(c(p.muted))
	st.TabActive = s().Foreground(c(p.accentFg)).Background(c(p.accent)).Bold(true)
	st.TabKey = s().Foreground(c(p.faint))
	st.Status = s().Foreground(c(p.fg)).Background(c(p.status))
	st.StatusKey = s().Foreground(c(p.accent)).Background(c(p.status)).Bold(true)
	st.StatusDim = s().Foreground(c(p.muted)).Background(c(p.status))
	st.StatusBusy = s().Foreground(c(p.amber)).Background(c(p.status))
	st.StatusErr = s().Foreground(c(p.red)).Background(c(p.status)).Bold(true)
	st.HelpKey = s().Foreground(c(p.muted)).Bold(true)
	st.HelpDesc = s().Foreground(c(p.faint))
	st.HelpSep = s().Foreground(c(p.border))

	st.Title = s().Foreground(c(p.fg)).Bold(true)
	st.Subtitle = s().Foreground(c(p.accent)).Bold(true)
	st.Muted = s().Foreground(c(p.muted))
	st.Faint = s().Foreground(c(p.faint))
	st.Accent = s().Foreground(c(p.accent))
	st.Good = s().Foreground(c(p.green))
	st.Warn = s().Foreground(c(p.amber))
	st.Error = s().Foreground(c(p.red))
	st.ErrorCaret = s().Foreground(c(p.red)).Bold(true)
	st.Notice = s().Foreground(c(p.teal))

	st.PanelTitle = s().Foreground(c(p.accent)).Bold(true)
	st.Dialog = s().Border(lipgloss.RoundedBorder()).BorderForeground(c(p.accent)).Padding(0, 1)
	st.Selected = s().Foreground(c(p.fg)).Background(c(p.rowBg)).Bold(true)
	st.SelectedMatch = s().Foreground(c(p.accent)).Background(c(p.rowBg)).Bold(true)
	st.Match = s().Foreground(c(p.accent)).Bold(true)

	st.Item = s().Foreground(c(p.fg))
	st.ItemActive = s().Foreground(c(p.accent)).Bold(true)
	st.ItemCursor = s().Foreground(c(p.fg)).Background(c(p.rowBg)).Bold(true)

	st.Header = s().Foreground(c(p.muted)).Bold(true)
	st.HeaderCurrent = s().Foreground(c(p.accent)).Bold(true).Underline(true)
	st.HeaderSort = s().Foreground(c(p.amber)).Bold(true)
	st.Rule = s().Foreground(c(p.border))
	st.Cell = s().Foreground(c(p.fg))
	st.Number = s().Foreground(c(p.blue))
	st.Null = s().Foreground(c(p.faint))
	st.Loading = s().Foreground(c(p.faint))
	st.Masked = s().Foreground(c(p.maskFg))
	st.Revealed = s().Foreground(c(p.amber))
	st.CursorRow = s().Foreground(c(p.fg)).Background(c(p.rowBg))
	st.CursorCell = s().Foreground(c(p.fg)).Background(c(p.cellBg)).Bold(true)
	st.CursorNumber = s().Foreground(c(p.blue)).Background(c(p.rowBg))
	st.CursorMasked = s().Foreground(c(p.maskFg)).Background(c(p.rowBg))
	st.Frozen = s().Foreground(c(p.teal))
	st.ScrollTrack = s().Foreground(c(p.border))
	st.ScrollThumb = s().Foreground(c(p.accent))
	st.Bar = s().Foreground(c(p.accent))

	st.TokKeyword = s().Foreground(c(p.accent)).Bold(true)
	st.TokColumn = s().Foreground(c(p.teal))
	st.TokString = s().Foreground(c(p.green))
	st.TokNumber = s().Foreground(c(p.blue))
	st.TokOperator = s().Foreground(c(p.muted))
	st.TokFunction = s().Foreground(c(p.yellow))
	st.TokError = s().Foreground(c(p.red)).Underline(true)
	st.InputCursor = s().Reverse(true)
	st.InputPrompt = s().Foreground(c(p.accent)).Bold(true)
	st.Placeholder = s().Foreground(c(p.faint))

	st.DiffAdd = s().Foreground(c(p.green)).Bold(true)
	st.DiffDel = s().Foreground(c(p.red)).Strikethrough(true)

	// A single hue keeps the scale readable for colour-blind eyes; the top step
	// is dark enough in either theme to need the accent's contrasting text.
	for i, bg := range p.heat {
		fg := p.fg
		if i == len(p.heat)-1 {
			fg = p.accentFg
		}
		st.Heat[i] = s().Foreground(c(fg)).Background(c(bg))
	}
	st.SideA = s().Foreground(c(p.accent))
	st.SideB = s().Foreground(c(p.teal))
	st.BannerGood = s().Foreground(c(p.accentFg)).Background(c(p.green)).Bold(true)
	st.BannerBad = s().Foreground(c(p.accentFg)).Background(c(p.red)).Bold(true)
	return st
}

// noColor keeps every distinction with attributes and marks only: reverse video
// for selection, bold and underline for emphasis.
func noColor() *Styles {
	s := lipgloss.NewStyle
	plain := s()
	bold := s().Bold(true)
	rev := s().Reverse(true)
	st := &Styles{Theme: NoColor}

	st.Tab, st.TabActive, st.TabKey = plain, rev.Bold(true), plain
	st.Status, st.StatusKey, st.StatusDim = plain, bold, plain
	st.StatusBusy, st.StatusErr = bold, bold
	st.HelpKey, st.HelpDesc, st.HelpSep = bold, plain, plain

	st.Title, st.Subtitle, st.Muted, st.Faint = bold, bold, plain, plain
	st.Accent, st.Good, st.Warn, st.Error = bold, plain, bold, bold
	st.ErrorCaret, st.Notice = bold, plain

	st.PanelTitle = bold
	st.Dialog = s().Border(lipgloss.RoundedBorder()).Padding(0, 1)
	st.Selected, st.SelectedMatch, st.Match = rev, rev.Underline(true), s().Underline(true)

	st.Item, st.ItemActive, st.ItemCursor = plain, bold, rev

	st.Header, st.HeaderCurrent, st.HeaderSort = bold, bold.Underline(true), bold
	st.Rule = plain
	st.Cell, st.Number, st.Null, st.Loading = plain, plain, plain, plain
	st.Masked, st.Revealed = plain, bold
	st.CursorRow, st.CursorCell = rev, rev.Bold(true).Underline(true)
	st.CursorNumber, st.CursorMasked = rev, rev
	st.Frozen = plain
	st.ScrollTrack, st.ScrollThumb = plain, plain
	st.Bar = plain

	st.TokKeyword, st.TokColumn, st.TokString, st.TokNumber = bold, plain, plain, plain
	st.TokOperator, st.TokFunction, st.TokError = plain, plain, s().Underline(true)
	st.InputCursor, st.InputPrompt, st.Placeholder = rev, bold, plain
	st.DiffAdd, st.DiffDel = s().Underline(true), s().Strikethrough(true)
	// The heat scale's steps are told apart by the shade characters drawn in
	// the cells, so without colour they need no style.
	st.Heat = [4]lipgloss.Style{plain, plain, plain, plain}
	st.SideA, st.SideB = plain, plain
	st.BannerGood, st.BannerBad = rev.Bold(true), rev.Bold(true)
	return st
}
