// Package repocheck holds tests over the repository's own sources: rules
// of the project that no single package's tests can see.
package repocheck
