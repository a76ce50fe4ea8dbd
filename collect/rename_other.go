//go:build !linux

package collect

// renameNoReplace renames from to to, failing with fs.ErrExist when
// anything is at to (see rename_linux.go).
func renameNoReplace(from, to string) error { return linkRename(from, to) }
