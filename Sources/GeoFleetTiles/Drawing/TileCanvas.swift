import CCairo

/// A square ARGB image drawn with cairo: the only place GeoFleet touches cairo, and no cairo pointer leaves it.
///
/// One canvas per render, used on one thread (cairo contexts are not shared); the surface is freed with the canvas.
public final class TileCanvas {
    public let size: Int
    private let surface: OpaquePointer
    private let context: OpaquePointer

    /// A transparent `size` × `size` canvas; nil when cairo cannot allocate it.
    public init?(size: Int) {
        guard (1...4096).contains(size), let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(size), Int32(size)) else {
            return nil
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let context = cairo_create(surface) else {
            cairo_surface_destroy(surface)
            return nil
        }
        self.size = size
        self.surface = surface
        self.context = context
        cairo_set_line_cap(context, CAIRO_LINE_CAP_ROUND)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// Paints the whole canvas with `colour`.
    public func fill(_ colour: RGB) {
        setColour(colour, alpha: 1)
        cairo_paint(context)
    }

    /// Strokes the polyline (canvas pixels); `dash` is on and off lengths, empty for a solid line.
    public func stroke(_ points: [(x: Double, y: Double)], width: Double, colour: RGB, alpha: Double = 1, dash: [Double] = []) {
        guard let first = points.first, points.count > 1 else { return }
        cairo_new_path(context)
        cairo_move_to(context, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(context, p.x, p.y) }
        cairo_set_line_width(context, width)
        dash.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
        setColour(colour, alpha: alpha)
        cairo_stroke(context)
    }

    /// The width of `text` in pixels at `fontSize`.
    public func textWidth(_ text: String, fontSize: Double) -> Double {
        selectFont(fontSize)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// Draws `text` centred on `centre`, turned by `angle` radians, with a background-coloured halo so it reads over roads.
    public func label(_ text: String, centre: (x: Double, y: Double), angle: Double, fontSize: Double, colour: RGB, halo: RGB) {
        selectFont(fontSize)
        let width = textWidth(text, fontSize: fontSize)
        cairo_save(context)
        cairo_translate(context, centre.x, centre.y)
        cairo_rotate(context, angle)
        cairo_new_path(context)
        cairo_move_to(context, -width / 2, fontSize * 0.35)
        cairo_text_path(context, text)
        cairo_set_dash(context, nil, 0, 0)
        cairo_set_line_width(context, 3)
        setColour(halo, alpha: 0.9)
        cairo_stroke_preserve(context)
        setColour(colour, alpha: 1)
        cairo_fill(context)
        cairo_restore(context)
    }

    /// The PNG encoding of the canvas; empty when cairo fails.
    public func png() -> [UInt8] {
        final class Sink {
            var bytes: [UInt8] = []
        }
        let sink = Sink()
        sink.bytes.reserveCapacity(16 * 1024)
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(
                surface,
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                    Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().bytes
                        .append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                    return CAIRO_STATUS_SUCCESS
                }, Unmanaged.passUnretained(sink).toOpaque())
        }
        return status == CAIRO_STATUS_SUCCESS ? sink.bytes : []
    }

    /// The colour and opacity at a pixel, un-premultiplied (for tests and blank checks).
    public func pixel(x: Int, y: Int) -> (colour: RGB, alpha: UInt8) {
        precondition((0..<size).contains(x) && (0..<size).contains(y), "pixel outside the canvas")
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { return (RGB(0), 0) }
        // ARGB32 is one native-endian 32-bit word per pixel, premultiplied by alpha.
        let word = UnsafeRawPointer(data + y * stride + x * 4).loadUnaligned(as: UInt32.self)
        let alpha = UInt8(word >> 24)
        func channel(_ shift: UInt32) -> UInt8 {
            let premultiplied = UInt32((word >> shift) & 0xFF)
            return alpha == 0 ? 0 : UInt8(min(255, (premultiplied * 255 + UInt32(alpha) / 2) / UInt32(alpha)))
        }
        return (RGB(red: channel(16), green: channel(8), blue: channel(0)), alpha)
    }

    private func setColour(_ colour: RGB, alpha: Double) {
        cairo_set_source_rgba(context, Double(colour.red) / 255, Double(colour.green) / 255, Double(colour.blue) / 255, alpha)
    }

    private func selectFont(_ size: Double) {
        cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }
}
