package tui

import (
	"context"
	"errors"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/segscope/segscope/query"
)

// Run runs the console on the terminal until the user quits or ctx ends.
func Run(ctx context.Context, ws *query.Workspace, opts Options) error {
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	progOpts := []tea.ProgramOption{tea.WithContext(ctx)}
	if opts.NoColor {
		// Attributes (bold, reverse) stay; colours go, even if a style asks for one.
		progOpts = append(progOpts, tea.WithColorProfile(colorprofile.Ascii))
	}
	m := New(ctx, ws, opts)
	_, err := tea.NewProgram(m, progOpts...).Run()
	m.cancel()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
