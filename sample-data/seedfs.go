package sampledata

import (
	"bufio"
	"context"
	"io"
	"io/fs"
	"time"
)

// EventTables are the sample's event tables, in the order a new workspace
// imports them after Tables. They are not embedded: the default set's views
// are 39 MB of CSV (6.9 MB gzipped, 4.8 MB as Parquet), so SeedFS generates
// them from DefaultOptions as they are read, in about a third of a second.
var EventTables = []Table{
	{File: ViewsFile, Name: "views"},
}

// SeedFS serves what a new workspace is seeded with: the embedded Files, and
// the EventTables' files generated from DefaultOptions while they are read
// (the same bytes every time). Close every file it opens: an unclosed
// generated file keeps its generator waiting.
var SeedFS fs.FS = seedFS{}

type seedFS struct{}

func (seedFS) Open(name string) (fs.File, error) {
	if name != ViewsFile {
		return Files.Open(name)
	}
	pr, pw := io.Pipe()
	go func() {
		// A reader that closes early makes the next write fail, which ends
		// the generator.
		bw := bufio.NewWriterSize(pw, 1<<16)
		err := WriteViews(context.Background(), bw, DefaultOptions())
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err) // nil: the reader sees io.EOF
	}()
	return &generatedFile{PipeReader: pr, name: name}, nil
}

// generatedFile is a file whose bytes are written as it is read.
type generatedFile struct {
	*io.PipeReader
	name string
}

func (f *generatedFile) Stat() (fs.FileInfo, error) { return generatedInfo(f.name), nil }

// generatedInfo describes a generated file; its size is unknown until read.
type generatedInfo string

func (i generatedInfo) Name() string       { return string(i) }
func (i generatedInfo) Size() int64        { return 0 }
func (i generatedInfo) Mode() fs.FileMode  { return 0o444 }
func (i generatedInfo) ModTime() time.Time { return time.Time{} }
func (i generatedInfo) IsDir() bool        { return false }
func (i generatedInfo) Sys() any           { return nil }
