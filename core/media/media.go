// Package media takes pictures customers upload and keeps them: avatars
// for now. An upload is never stored as sent. Its format is told by its
// magic bytes (not by its name or the client's Content-Type), its
// dimensions are checked before its pixels are decoded (a few kilobytes
// can declare gigabytes of pixels), and it is decoded, downscaled and
// re-encoded, so EXIF (a phone photo's GPS position), other metadata and
// any payload riding after the image are dropped (SECURITY.md 14).
package media

import (
	"github.com/consult/platform/core/platform/errs"
)

// Image is an encoded picture ready to store and serve.
type Image struct {
	Bytes       []byte
	ContentType string // ContentJPEG or ContentPNG
	Width       int
	Height      int
}

// Content types of processed images: JPEG for opaque pictures, PNG for
// those with transparency.
const (
	ContentJPEG = "image/jpeg"
	ContentPNG  = "image/png"
)

// Errors of processing and storage. All but ErrNotFound are the customer's
// input: Invalid (422).
var (
	// ErrTypeRefused: not a PNG, JPEG or WebP image by its magic bytes.
	ErrTypeRefused = errs.E(errs.KindInvalid, "media.type_refused")
	// ErrTooLarge: more bytes than allowed; Data MaxMB is the limit.
	ErrTooLarge = errs.E(errs.KindInvalid, "media.too_large")
	// ErrDimensionsTooLarge: the image declares more pixels than
	// MaxPixels or a side longer than MaxSide.
	ErrDimensionsTooLarge = errs.E(errs.KindInvalid, "media.dimensions_too_large")
	// ErrImageInvalid: empty, corrupt or truncated.
	ErrImageInvalid = errs.E(errs.KindInvalid, "media.image_invalid")
	// ErrNotFound: no such picture in the tenant.
	ErrNotFound = errs.E(errs.KindNotFound, "media.not_found")
)
