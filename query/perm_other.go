//go:build !unix

package query

// privateFiles: there is no umask here; files take the directory's ACL.
func privateFiles() {}
