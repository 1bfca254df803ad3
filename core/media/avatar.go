package media

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/consult/platform/core/platform/errs"
)

// Limits of avatar processing.
const (
	// AvatarSide is the box an avatar is scaled down to fit: enough for a
	// sharp 256-point avatar on a 2x screen.
	AvatarSide = 512
	// MaxSide and MaxPixels refuse a picture before its pixels are
	// decoded: the largest phone photos are about 50 megapixels at 8000
	// pixels a side; 40 megapixels decode to 160 MB at most, which is the
	// worst a single upload may cost.
	MaxSide   = 10000
	MaxPixels = 40_000_000
	// jpegQuality keeps a face sharp at a tenth of the PNG size.
	jpegQuality = 85
)

// ProcessAvatar reads at most maxBytes of a picture from r and returns it
// as a new avatar: decoded, turned upright by its EXIF orientation,
// downscaled to fit AvatarSide×AvatarSide keeping its aspect (never
// enlarged), and re-encoded — as JPEG (quality 85) when opaque, as PNG when
// it has transparency. Nothing of the original's bytes survives: no EXIF,
// no other metadata, no data after the image.
//
// Errors: ErrTooLarge (Data MaxMB) past maxBytes; ErrTypeRefused for
// anything but PNG, JPEG or WebP by magic bytes; ErrDimensionsTooLarge,
// checked on the header before decoding; ErrImageInvalid for a corrupt,
// truncated or empty file.
func ProcessAvatar(r io.Reader, maxBytes int64) (Image, error) {
	if maxBytes <= 0 {
		return Image{}, errs.Internal(fmt.Errorf("media: avatar limit %d", maxBytes))
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Image{}, errs.Wrap(errs.KindBadRequest, "errors.bad_request", fmt.Errorf("media: read avatar: %w", err))
	}
	if int64(len(data)) > maxBytes {
		return Image{}, ErrTooLarge.With(map[string]any{"MaxMB": megabytes(maxBytes)})
	}
	if len(data) == 0 {
		return Image{}, ErrImageInvalid
	}
	f, ok := sniff(data)
	if !ok {
		return Image{}, ErrTypeRefused
	}
	cfg, err := f.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, ErrImageInvalid.Because(fmt.Errorf("media: %s header: %w", f.name, err))
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return Image{}, err
	}
	src, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return Image{}, ErrImageInvalid.Because(fmt.Errorf("media: decode %s: %w", f.name, err))
	}
	// The decoders size the image from the header just checked; a
	// disagreement means a malformed file, whatever it decoded to.
	if b := src.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return Image{}, ErrImageInvalid.Because(fmt.Errorf("media: %s header says %dx%d, decoded %dx%d",
			f.name, cfg.Width, cfg.Height, b.Dx(), b.Dy()))
	}
	orientation := 1
	if f.name == "jpeg" {
		orientation = jpegOrientation(data)
	}
	out := orient(fit(src, AvatarSide), orientation)
	img := Image{Width: out.Bounds().Dx(), Height: out.Bounds().Dy()}
	var buf bytes.Buffer
	if opaque(src) {
		img.ContentType = ContentJPEG
		err = jpeg.Encode(&buf, out, &jpeg.Options{Quality: jpegQuality})
	} else {
		img.ContentType = ContentPNG
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out)
	}
	if err != nil {
		return Image{}, errs.Internal(fmt.Errorf("media: encode avatar: %w", err))
	}
	img.Bytes = buf.Bytes()
	return img, nil
}

// checkDimensions refuses a picture whose header declares more pixels than
// the limits, before a decoder allocates them.
func checkDimensions(w, h int) error {
	switch {
	case w <= 0 || h <= 0:
		return ErrImageInvalid.Because(fmt.Errorf("media: %dx%d image", w, h))
	case w > MaxSide || h > MaxSide || int64(w)*int64(h) > MaxPixels:
		return ErrDimensionsTooLarge.Because(fmt.Errorf("media: %dx%d image", w, h))
	}
	return nil
}

// megabytes is a byte limit in megabytes for the message: whole when it
// is, else rounded down to a tenth, so the text never promises more than
// the limit lets through.
func megabytes(n int64) any {
	if n%(1<<20) == 0 {
		return n >> 20
	}
	return math.Floor(float64(n)/(1<<20)*10) / 10
}

// fit returns src scaled down to fit side×side with its aspect kept, or
// copied at its size when it fits already, as a fresh RGBA image (which
// also drops a palette or a colour model the encoders handle worse).
func fit(src image.Image, side int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
		return dst
	}
	scale := math.Min(float64(side)/float64(w), float64(side)/float64(h))
	nw := max(1, min(side, int(math.Round(float64(w)*scale))))
	nh := max(1, min(side, int(math.Round(float64(h)*scale))))
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	// Catmull-Rom widens its kernel when shrinking, so a 4000-pixel photo
	// becomes a 512-pixel one without the aliasing of nearest-neighbour or
	// bilinear sampling.
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}

// opaque reports whether img has no transparent or translucent pixel. The
// standard image types answer from their pixels (or a paletted image from
// its palette); anything else is scanned.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

// format is an accepted input format: how to read its header and pixels.
type format struct {
	name         string
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
}

// The accepted formats. Each is decoded by its own decoder, never through
// image.Decode's registry, so a file sniffed as one format cannot be read
// as another.
var (
	formatPNG  = format{name: "png", decodeConfig: png.DecodeConfig, decode: png.Decode}
	formatJPEG = format{name: "jpeg", decodeConfig: jpeg.DecodeConfig, decode: jpeg.Decode}
	formatWebP = format{name: "webp", decodeConfig: webp.DecodeConfig, decode: webp.Decode}
)

// sniff tells the format of data by its magic bytes (SECURITY.md 14: the
// content decides, not the name or the declared type).
func sniff(data []byte) (format, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG, true
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return formatJPEG, true
	case len(data) >= 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WEBP":
		return formatWebP, true
	}
	return format{}, false
}
