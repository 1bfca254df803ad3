package media

import (
	"bytes"
	"encoding/binary"
	"image"
)

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG, 1 when it
// has none or it cannot be read. Phones store a portrait photo sideways
// and say so in this tag; re-encoding drops EXIF, so the rotation must be
// applied to the pixels or the avatar would lie on its side. The parser
// reads only the APP1 segments before the image data and never leaves
// their bounds (a segment is at most 64 KB): outside input (SECURITY.md
// 23, FuzzProcessAvatar).
func jpegOrientation(data []byte) int {
	i := 2 // after SOI
	for i+4 <= len(data) {
		if data[i] != 0xff {
			return 1
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte before a marker
			i++
			continue
		case marker == 0xd8 || marker == 0x01 || marker >= 0xd0 && marker <= 0xd7: // no length
			i += 2
			continue
		case marker == 0xda || marker == 0xd9: // image data or end: no metadata follows
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 (Orientation, SHORT) of IFD0 of an
// EXIF TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int64(order.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 1
	}
	count := int64(order.Uint16(t[ifd:]))
	for e := ifd + 2; e+12 <= int64(len(t)) && e < ifd+2+count*12; e += 12 {
		tag, typ, n := order.Uint16(t[e:]), order.Uint16(t[e+2:]), order.Uint32(t[e+4:])
		if tag == 0x0112 && typ == 3 && n >= 1 {
			if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orient returns m turned upright for EXIF orientation o: 2 mirrored, 3
// turned 180°, 4 flipped, 5 transposed, 6 turned 90° clockwise, 7
// transversed, 8 turned 90° anticlockwise. It runs on the downscaled
// avatar, so it costs little; the fit box is square, so turning after
// scaling gives the same size as before.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			si := m.PixOffset(m.Bounds().Min.X+sx, m.Bounds().Min.Y+sy)
			di := dst.PixOffset(x, y)
			copy(dst.Pix[di:di+4], m.Pix[si:si+4])
		}
	}
	return dst
}
