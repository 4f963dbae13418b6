/// Namespace for the Teltonika AVL codec: limits, CRC, AVL data decoding and encoding, IMEI packets.
public enum Teltonika {
    /// The largest data field length (Codec ID … Number of Data 2) we accept, checked before buffering a frame.
    /// Devices send at most 1280 bytes (FMB640 family: 512); 64 KiB leaves room for large NX/BLE payloads
    /// while bounding what one connection can make us buffer.
    public static let maxFrameLength: Int = 64 * 1024

    /// Codec IDs 0x0C...0x0F are GPRS command/response codecs (12, 13, 14, 15), not AVL data.
    static let commandCodecs: ClosedRange<UInt8> = 0x0C...0x0F
}
