import Testing

@testable import GeoFleetExport

/// Field formatting the formats rely on.
struct ExportFormattingTests {
    @Test func csvFieldsAreQuotedOnlyWhenRFC4180AsksForIt() {
        #expect(CSVExportWriter.quoted("M EX 1") == "M EX 1")
        #expect(CSVExportWriter.quoted(#"{"66":24000,"239":1}"#) == #""{""66"":24000,""239"":1}""#)
        #expect(CSVExportWriter.quoted("a\r\nb") == "\"a\r\nb\"")
    }

    @Test func xmlDecimalsHaveNoExponentAndReadBackAsTheSameNumber() {
        #expect(ExportNumber.decimal(1e-05) == "0.00001")
        #expect(ExportNumber.decimal(48.1) == "48.1")
        #expect(ExportNumber.decimal(-0.000123) == "-0.000123")
        #expect(ExportNumber.decimal(.nan) == nil)
        let value = 11.500000000000002
        #expect(Double(ExportNumber.decimal(value) ?? "") == value)
    }

    @Test func gpxTextIsEscaped() {
        #expect(GPXExportWriter.escaped(#"A&B <"x">"#) == "A&amp;B &lt;&quot;x&quot;&gt;")
        #expect(GPXExportWriter.escaped("a\u{1}b") == "ab")
    }
}
