package io.rendler.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentTypeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            text/html                                 | text/html             | null        | true
            Text/HTML; Charset=UTF-8                  | text/html             | UTF-8       | true
            text/html; charset="iso-8859-1"           | text/html             | iso-8859-1  | true
            text/html;charset=utf-8;boundary=x        | text/html             | utf-8       | true
            text/html; charset=no-such-charset        | text/html             | null        | true
            text/html; charset=                       | text/html             | null        | true
            text/html; charset=???                    | text/html             | null        | true
            application/xhtml+xml                     | application/xhtml+xml | null        | true
            text/plain; charset=utf-8                 | text/plain            | utf-8       | false
            image/png                                 | image/png             | null        | false
            application/xml                           | application/xml       | null        | false
            """)
    void parsesTheMediaTypeAndASupportedCharset(String header, String mediaType, String charset, boolean html) {
        ContentType type = ContentType.parse(header);

        assertEquals(mediaType, type.mediaType());
        assertEquals(charset, type.charset());
        assertEquals(html, ContentType.isHtml(type));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(nullValues = "null", value = {"null", "''", "'   '"})
    void aMissingHeaderIsNoTypeAndCountsAsHtml(String header) {
        assertNull(ContentType.parse(header));
        assertEquals(true, ContentType.isHtml(null));
    }
}
