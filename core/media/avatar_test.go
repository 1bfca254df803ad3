package media_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"

	"golang.org/x/image/webp"

	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/errs"
)

const limit = 5 << 20

// webp1x1 is a complete 1×1 lossless WebP (RIFF, VP8L; 34 bytes):
// golang.org/x/image has no WebP encoder, so the file is written out here.
var webp1x1 = []byte{
	'R', 'I', 'F', 'F', 0x1a, 0x00, 0x00, 0x00, 'W', 'E', 'B', 'P',
	'V', 'P', '8', 'L', 0x0d, 0x00, 0x00, 0x00,
	0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00,
}

// solidWebP returns a lossless WebP of w×h pixels of one colour. A VP8L
// stream whose five prefix codes each have a single symbol spends zero bits
// per pixel, so the file is 30-odd bytes whatever its size: enough to test
// scaling, transparency and a decompression bomb without an encoder.
func solidWebP(w, h int, c color.NRGBA) []byte {
	var bw bitWriter
	bw.write(0x2f, 8) // VP8L signature
	bw.write(uint64(w-1), 14)
	bw.write(uint64(h-1), 14)
	alpha := uint64(0)
	if c.A != 0xff {
		alpha = 1
	}
	bw.write(alpha, 1)
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	// Prefix codes green, red, blue, alpha, distance: "simple", one
	// symbol, 8 bits wide.
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} {
		bw.write(1, 1)
		bw.write(0, 1)
		bw.write(1, 1)
		bw.write(uint64(sym), 8)
	}
	return riffWebP("VP8L", bw.bytes())
}

func riffWebP(chunk string, data []byte) []byte {
	body := []byte("WEBP" + chunk)
	body = binary.LittleEndian.AppendUint32(body, uint32(len(data)))
	body = append(body, data...)
	if len(data)%2 == 1 {
		body = append(body, 0)
	}
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(len(body)))
	return append(out, body...)
}

// bitWriter packs bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) write(v uint64, bits uint) {
	w.acc |= v << w.n
	w.n += bits
	for w.n >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.n > 0 {
		return append(w.buf, byte(w.acc))
	}
	return w.buf
}

// halves returns a w×h image whose left half is red and right half blue.
func halves(w, h int, alpha uint8) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: 220, A: alpha}
			if x >= w/2 {
				c = color.NRGBA{B: 220, A: alpha}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

func encodePNG(tb testing.TB, m image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(tb testing.TB, m image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// withExif inserts an APP1 Exif segment after a JPEG's SOI: IFD0 with the
// orientation and a pointer to a GPS IFD holding a latitude, as a phone
// writes them.
func withExif(jpg []byte, orientation uint16) []byte {
	be := binary.BigEndian
	tiff := []byte("MM\x00\x2a")
	tiff = be.AppendUint32(tiff, 8) // IFD0 offset
	// IFD0: 2 entries, then the next-IFD offset.
	tiff = be.AppendUint16(tiff, 2)
	tiff = append(tiff, entry(0x0112, 3, 1, uint32(orientation)<<16)...)
	gpsOffset := uint32(8 + 2 + 2*12 + 4)
	tiff = append(tiff, entry(0x8825, 4, 1, gpsOffset)...)
	tiff = be.AppendUint32(tiff, 0)
	// GPS IFD: GPSLatitudeRef "N", GPSLatitude 55/1 45/1 21/1 (rationals).
	tiff = be.AppendUint16(tiff, 2)
	tiff = append(tiff, entry(0x0001, 2, 2, uint32('N')<<24)...)
	ratOffset := gpsOffset + 2 + 2*12 + 4
	tiff = append(tiff, entry(0x0002, 5, 3, ratOffset)...)
	tiff = be.AppendUint32(tiff, 0)
	for _, v := range []uint32{55, 1, 45, 1, 21, 1} {
		tiff = be.AppendUint32(tiff, v)
	}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xff, 0xe1}
	app1 = be.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

func entry(tag, typ uint16, count, value uint32) []byte {
	be := binary.BigEndian
	e := be.AppendUint16(nil, tag)
	e = be.AppendUint16(e, typ)
	e = be.AppendUint32(e, count)
	return be.AppendUint32(e, value)
}

// pngHeader returns a PNG signature and an IHDR (valid CRC) declaring w×h
// RGBA pixels, then an IEND: what a decompression bomb shows before its
// data.
func pngHeader(w, h uint32) []byte {
	out := []byte("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		td := append([]byte(typ), data...)
		out = append(out, td...)
		out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(td))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, deflate, no filter, no interlace
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return out
}

func TestProcessAvatarAccepts(t *testing.T) {
	paletted := image.NewPaletted(image.Rect(0, 0, 64, 32), color.Palette{color.NRGBA{}, color.NRGBA{R: 255, A: 255}})
	for i := range paletted.Pix {
		paletted.Pix[i] = uint8(i % 2)
	}
	gray := image.NewGray(image.Rect(0, 0, 700, 700))
	cases := []struct {
		name       string
		in         []byte
		wantType   string
		wantW      int
		wantH      int
		wantCenter color.NRGBA // approximately, at the centre; zero: not checked
	}{
		{"large opaque PNG is scaled down into a JPEG", encodePNG(t, halves(1600, 800, 255)), media.ContentJPEG, 512, 256, color.NRGBA{}},
		{"PNG with transparency stays PNG", encodePNG(t, halves(300, 200, 128)), media.ContentPNG, 300, 200, color.NRGBA{}},
		{"paletted PNG with a transparent colour", encodePNG(t, paletted), media.ContentPNG, 64, 32, color.NRGBA{}},
		{"small JPEG is not enlarged", encodeJPEG(t, halves(100, 50, 255)), media.ContentJPEG, 100, 50, color.NRGBA{}},
		{"tall JPEG keeps its aspect", encodeJPEG(t, halves(300, 3000, 255)), media.ContentJPEG, 51, 512, color.NRGBA{}},
		{"grey JPEG", encodeJPEG(t, gray), media.ContentJPEG, 512, 512, color.NRGBA{}},
		{"1×1 lossless WebP with alpha", webp1x1, media.ContentPNG, 1, 1, color.NRGBA{}},
		{"large opaque WebP", solidWebP(1000, 600, color.NRGBA{R: 10, G: 200, B: 30, A: 255}), media.ContentJPEG, 512, 307,
			color.NRGBA{R: 10, G: 200, B: 30, A: 255}},
		{"translucent WebP becomes PNG", solidWebP(40, 30, color.NRGBA{R: 200, G: 20, B: 20, A: 100}), media.ContentPNG, 40, 30,
			color.NRGBA{R: 200, G: 20, B: 20, A: 100}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img, err := media.ProcessAvatar(bytes.NewReader(tc.in), limit)
			if err != nil {
				t.Fatal(err)
			}
			if img.ContentType != tc.wantType || img.Width != tc.wantW || img.Height != tc.wantH {
				t.Fatalf("got %s %dx%d, want %s %dx%d", img.ContentType, img.Width, img.Height, tc.wantType, tc.wantW, tc.wantH)
			}
			out := decodeOutput(t, img)
			if tc.wantCenter != (color.NRGBA{}) {
				got := color.NRGBAModel.Convert(out.At(img.Width/2, img.Height/2)).(color.NRGBA)
				if !near(got, tc.wantCenter, 6) {
					t.Fatalf("centre %v, want about %v", got, tc.wantCenter)
				}
			}
		})
	}
}

// decodeOutput decodes a processed image by its content type and checks
// its size agrees with what ProcessAvatar reported.
func decodeOutput(tb testing.TB, img media.Image) image.Image {
	tb.Helper()
	var (
		out image.Image
		err error
	)
	switch img.ContentType {
	case media.ContentJPEG:
		out, err = jpeg.Decode(bytes.NewReader(img.Bytes))
	case media.ContentPNG:
		out, err = png.Decode(bytes.NewReader(img.Bytes))
	default:
		tb.Fatalf("content type %q", img.ContentType)
	}
	if err != nil {
		tb.Fatalf("output does not decode: %v", err)
	}
	if b := out.Bounds(); b.Dx() != img.Width || b.Dy() != img.Height {
		tb.Fatalf("output is %dx%d, reported %dx%d", b.Dx(), b.Dy(), img.Width, img.Height)
	}
	if img.Width > media.AvatarSide || img.Height > media.AvatarSide {
		tb.Fatalf("output %dx%d exceeds %d", img.Width, img.Height, media.AvatarSide)
	}
	return out
}

func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

func TestWebPFixtureDecodes(t *testing.T) {
	for name, data := range map[string][]byte{"literal 1×1": webp1x1, "generated": solidWebP(3, 2, color.NRGBA{R: 1, G: 2, B: 3, A: 255})} {
		t.Run(name, func(t *testing.T) {
			m, err := webp.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if name == "generated" && (m.Bounds().Dx() != 3 || color.NRGBAModel.Convert(m.At(2, 1)) != (color.NRGBA{R: 1, G: 2, B: 3, A: 255})) {
				t.Fatalf("decoded %v, pixel %v", m.Bounds(), m.At(2, 1))
			}
		})
	}
}

func TestProcessAvatarStripsMetadata(t *testing.T) {
	photo := encodeJPEG(t, halves(40, 20, 255))
	payload := []byte("<script>alert(1)</script>PK\x03\x04")
	cases := []struct {
		name string
		in   []byte
	}{
		{"EXIF with GPS", withExif(photo, 1)},
		{"data after the JPEG", append(append([]byte{}, photo...), payload...)},
		{"data after the PNG", append(encodePNG(t, halves(40, 20, 255)), payload...)},
		{"data after the WebP RIFF", append(solidWebP(8, 8, color.NRGBA{R: 9, A: 255}), payload...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img, err := media.ProcessAvatar(bytes.NewReader(tc.in), limit)
			if err != nil {
				t.Fatal(err)
			}
			decodeOutput(t, img)
			for _, bad := range [][]byte{[]byte("Exif"), []byte("<script>"), []byte("PK\x03\x04"), {0xff, 0xe1}} {
				if bytes.Contains(img.Bytes, bad) {
					t.Fatalf("output still holds %q", bad)
				}
			}
		})
	}
	t.Run("the fixture does hold EXIF and GPS", func(t *testing.T) {
		in := withExif(photo, 1)
		if !bytes.Contains(in, []byte("Exif\x00\x00MM")) {
			t.Fatal("no Exif segment")
		}
		if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
			t.Fatalf("the fixture is not a valid JPEG: %v", err)
		}
	})
}

// TestProcessAvatarOrientation: a photo stored sideways with its EXIF
// orientation comes out upright, the tag being gone from the output.
func TestProcessAvatarOrientation(t *testing.T) {
	photo := encodeJPEG(t, halves(40, 20, 255)) // red left, blue right
	red, blue := color.NRGBA{R: 220, A: 255}, color.NRGBA{B: 220, A: 255}
	cases := []struct {
		orientation uint16
		w, h        int
		// colours at (1/4, 1/4) and (3/4, 3/4) of the output
		topLeft, bottomRight color.NRGBA
	}{
		{1, 40, 20, red, blue},
		{2, 40, 20, blue, red}, // mirrored
		{3, 40, 20, blue, red}, // turned 180°
		{4, 40, 20, red, blue}, // flipped top to bottom
		{5, 20, 40, red, blue}, // transposed
		{6, 20, 40, red, blue}, // turned 90° clockwise: the left side on top
		{7, 20, 40, blue, red}, // transversed
		{8, 20, 40, blue, red}, // turned 90° anticlockwise: the right side on top
		{9, 40, 20, red, blue}, // not an orientation: ignored
		{0, 40, 20, red, blue}, // not an orientation: ignored
	}
	for _, tc := range cases {
		t.Run(string(rune('0'+tc.orientation)), func(t *testing.T) {
			img, err := media.ProcessAvatar(bytes.NewReader(withExif(photo, tc.orientation)), limit)
			if err != nil {
				t.Fatal(err)
			}
			if img.Width != tc.w || img.Height != tc.h {
				t.Fatalf("%dx%d, want %dx%d", img.Width, img.Height, tc.w, tc.h)
			}
			out := decodeOutput(t, img)
			tl := color.NRGBAModel.Convert(out.At(tc.w/4, tc.h/4)).(color.NRGBA)
			br := color.NRGBAModel.Convert(out.At(tc.w*3/4, tc.h*3/4)).(color.NRGBA)
			if !near(tl, tc.topLeft, 40) || !near(br, tc.bottomRight, 40) {
				t.Fatalf("top left %v, bottom right %v; want %v, %v", tl, br, tc.topLeft, tc.bottomRight)
			}
		})
	}
}

func TestProcessAvatarRefuses(t *testing.T) {
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White}), nil); err != nil {
		t.Fatal(err)
	}
	good := encodePNG(t, halves(64, 64, 255))
	goodJPEG := encodeJPEG(t, halves(64, 64, 255))
	goodWebP := solidWebP(64, 64, color.NRGBA{G: 200, A: 255})
	cases := []struct {
		name string
		in   []byte
		max  int64
		want *errs.Error
	}{
		{"GIF", gifBuf.Bytes(), limit, media.ErrTypeRefused},
		{"text", []byte("hello, I am an image.png"), limit, media.ErrTypeRefused},
		{"HTML", []byte("<!DOCTYPE html><svg onload=alert(1)>"), limit, media.ErrTypeRefused},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), limit, media.ErrTypeRefused},
		{"BMP", append([]byte("BM"), make([]byte, 60)...), limit, media.ErrTypeRefused},
		{"RIFF that is not WebP", append([]byte("RIFF\x04\x00\x00\x00WAVE"), make([]byte, 16)...), limit, media.ErrTypeRefused},
		{"empty", nil, limit, media.ErrImageInvalid},
		{"PNG signature only", []byte("\x89PNG\r\n\x1a\n"), limit, media.ErrImageInvalid},
		{"truncated PNG", good[:len(good)/2], limit, media.ErrImageInvalid},
		{"truncated JPEG", goodJPEG[:len(goodJPEG)/2], limit, media.ErrImageInvalid},
		{"JPEG signature then garbage", append([]byte{0xff, 0xd8, 0xff, 0xe0}, bytes.Repeat([]byte{0x42}, 200)...), limit, media.ErrImageInvalid},
		{"truncated WebP", goodWebP[:len(goodWebP)-6], limit, media.ErrImageInvalid},
		{"PNG with a corrupt CRC", corruptCRC(good), limit, media.ErrImageInvalid},
		{"zero width", pngHeader(0, 10), limit, media.ErrImageInvalid},
		{"over the byte limit", good, int64(len(good)) - 1, media.ErrTooLarge},
		{"side over 10000", pngHeader(10001, 1), limit, media.ErrDimensionsTooLarge},
		{"tall side over 10000", pngHeader(1, 10001), limit, media.ErrDimensionsTooLarge},
		{"over 40 megapixels with short sides", pngHeader(9000, 9000), limit, media.ErrDimensionsTooLarge},
		{"just over 40 megapixels", pngHeader(8001, 5000), limit, media.ErrDimensionsTooLarge},
		{"huge PNG bomb", pngHeader(100000, 100000), limit, media.ErrDimensionsTooLarge},
		{"huge WebP bomb", solidWebP(16384, 16384, color.NRGBA{A: 255}), limit, media.ErrDimensionsTooLarge},
		// At the limits the header passes; this file has no pixel data.
		{"exactly 40 megapixels passes the header check", pngHeader(8000, 5000), limit, media.ErrImageInvalid},
		{"a 10000 side passes the header check", pngHeader(10000, 1), limit, media.ErrImageInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := media.ProcessAvatar(bytes.NewReader(tc.in), tc.max)
			if !errors.Is(err, tc.want) || errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("the exact byte limit is accepted", func(t *testing.T) {
		if _, err := media.ProcessAvatar(bytes.NewReader(good), int64(len(good))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("too large says the limit in megabytes", func(t *testing.T) {
		for max, want := range map[int64]any{5 << 20: int64(5), 3<<20 + 512<<10: 3.5, 100: 0.0} {
			_, err := media.ProcessAvatar(bytes.NewReader(make([]byte, max+1)), max)
			if got := errs.As(err).Data["MaxMB"]; got != want {
				t.Errorf("limit %d: MaxMB %v (%T), want %v (%T)", max, got, got, want, want)
			}
		}
	})
}

func corruptCRC(p []byte) []byte {
	out := append([]byte{}, p...)
	out[8+8+13] ^= 0xff // the IHDR chunk's CRC
	return out
}

// TestBombRefusedBeforeDecoding: a few bytes declaring 4.6 · 10^18 pixels
// are refused from the header, allocating almost nothing.
func TestBombRefusedBeforeDecoding(t *testing.T) {
	for name, bomb := range map[string][]byte{
		"PNG":  pngHeader(60000, 60000),
		"WebP": solidWebP(16384, 16384, color.NRGBA{A: 255}),
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := media.ProcessAvatar(bytes.NewReader(bomb), limit)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, media.ErrDimensionsTooLarge) {
				t.Fatalf("err %v", err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
				t.Fatalf("allocated %d bytes to refuse it", got)
			}
		})
	}
}

// FuzzProcessAvatar feeds arbitrary bytes (SECURITY.md 23): the processor
// never panics, refuses with an Invalid error (never an internal one), and
// anything it accepts is a decodable JPEG or PNG within the avatar box.
func FuzzProcessAvatar(f *testing.F) {
	photo := encodeJPEG(f, halves(40, 20, 255))
	for _, seed := range [][]byte{
		encodePNG(f, halves(20, 10, 255)),
		encodePNG(f, halves(20, 10, 100)),
		photo,
		withExif(photo, 6),
		webp1x1,
		solidWebP(30, 20, color.NRGBA{R: 5, G: 6, B: 7, A: 8}),
		pngHeader(9000, 9000),
		[]byte("GIF89a"),
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := media.ProcessAvatar(bytes.NewReader(data), 1<<20)
		if err != nil {
			if k := errs.KindOf(err); k != errs.KindInvalid {
				t.Fatalf("kind %v: %v", k, err)
			}
			return
		}
		decodeOutput(t, img)
	})
}

// BenchmarkProcessAvatar processes a 12-megapixel phone-sized JPEG.
func BenchmarkProcessAvatar(b *testing.B) {
	photo := encodeJPEG(b, halves(4000, 3000, 255))
	b.SetBytes(int64(len(photo)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := media.ProcessAvatar(bytes.NewReader(photo), limit); err != nil {
			b.Fatal(err)
		}
	}
}
