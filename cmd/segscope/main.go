// Command segscope is a terminal analyst console for customer segmentation, and the
// same engine as a scriptable CLI.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"charm.land/fang/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	app := newApp(os.Stdout, os.Stderr)
	err := fang.Execute(context.Background(), app.root(),
		fang.WithVersion(version),
		// A terminated segscope cancels its work and still closes (and seals) the workspace.
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM),
		fang.WithErrorHandler(showError),
	)
	// Cobra skips the post-run hook after an error: close here too.
	if cerr := app.close(); cerr != nil {
		fmt.Fprintln(os.Stderr, "Error:", cerr)
		err = cerr
	}
	if err != nil {
		os.Exit(1)
	}
}

// showError is fang's error display without its extra full stop, which turned
// "did you mean "age"?" into "...?".
func showError(w io.Writer, styles fang.Styles, err error) {
	msg := err.Error()
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") {
		msg += "."
	}
	fmt.Fprintln(w, styles.ErrorHeader.String())
	fmt.Fprintln(w, styles.ErrorText.Render(msg))
	fmt.Fprintln(w)
}
