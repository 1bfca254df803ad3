// Package productv1 is the generated Go code of the product plugin protocol
// (product.proto beside it). Nothing outside plugins/ should import it: the
// SDK and the host convert to and from the plain types of package sdk.
// Regenerate with `go tool -modfile=../tools/go.mod buf generate` run in
// plugins/ (see plugins/README.md); the generated files are committed.
package productv1
