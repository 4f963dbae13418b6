/// Splits a SQL script into statements, respecting quotes, dollar quotes and comments.
public enum SQLScript {
    /// The statements of `script`, trimmed, without empty ones and without comment-only ones.
    public static func statements(_ script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var hasCode = false
        var i = 0
        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if hasCode && !text.isEmpty { statements.append(text) }
            current = String.UnicodeScalarView()
            hasCode = false
        }
        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "-" && next == "-" {
                // Line comment: skipped entirely.
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && next == "*" {
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
                continue
            }
            if c == "'" || c == "\"" {
                let quote = c
                current.append(c)
                i += 1
                while i < chars.count {
                    current.append(chars[i])
                    if chars[i] == quote {
                        if i + 1 < chars.count && chars[i + 1] == quote {
                            current.append(chars[i + 1])
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    i += 1
                }
                hasCode = true
                continue
            }
            if c == "$" {
                // Dollar quote: $tag$ ... $tag$
                var j = i + 1
                while j < chars.count && (chars[j].properties.isAlphabetic || chars[j] == "_" || ("0"..."9").contains(chars[j])) { j += 1 }
                if j < chars.count && chars[j] == "$" {
                    let tag = Array(chars[i...j])
                    current.append(contentsOf: tag)
                    i = j + 1
                    while i < chars.count {
                        if chars[i] == "$" && i + tag.count <= chars.count && Array(chars[i..<(i + tag.count)]) == tag {
                            current.append(contentsOf: tag)
                            i += tag.count
                            break
                        }
                        current.append(chars[i])
                        i += 1
                    }
                    hasCode = true
                    continue
                }
            }
            if c == ";" {
                flush()
                i += 1
                continue
            }
            if !c.properties.isWhitespace { hasCode = true }
            current.append(c)
            i += 1
        }
        flush()
        return statements
    }
}

import Foundation
