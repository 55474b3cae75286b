// Command segscope is a terminal analyst console for customer segmentation, and the
// same engine as a scriptable CLI.
package main

import (
	"context"
	"os"

	"charm.land/fang/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	app := newApp(os.Stdout, os.Stderr)
	if err := fang.Execute(context.Background(), app.root(),
		fang.WithVersion(version),
		fang.WithNotifySignal(os.Interrupt),
	); err != nil {
		os.Exit(1)
	}
}
