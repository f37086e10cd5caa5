package io.rendler.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            HTTP://Example.COM/Path           | http://example.com/Path
            HtTpS://WWW.Example.com/          | https://www.example.com/
            http://example.com:80/a           | http://example.com/a
            https://example.com:443/a         | https://example.com/a
            http://example.com:443/a          | http://example.com:443/a
            https://example.com:80/a          | https://example.com:80/a
            http://example.com:8080/a         | http://example.com:8080/a
            http://example.com:/a             | http://example.com/a
            """)
    void lowerCasesSchemeAndHostAndDropsDefaultPorts(String url, String expected) {
        assertNormal(expected, url);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/a#section      | http://example.com/a
            http://example.com/a?q=1#section  | http://example.com/a?q=1
            http://example.com/a#             | http://example.com/a
            http://example.com/a#one#two      | http://example.com/a
            http://example.com#top            | http://example.com/
            """)
    void dropsTheFragment(String url, String expected) {
        assertNormal(expected, url);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com                | http://example.com/
            http://example.com?q=1            | http://example.com/?q=1
            http://example.com/?              | http://example.com/
            http://user:secret@example.com/a  | http://example.com/a
            '  http://example.com/padded  '   | http://example.com/padded
            """)
    void givesAnEmptyPathASlashAndDropsUserInfoAndEmptyQuery(String url, String expected) {
        assertNormal(expected, url);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/a/./b          | http://example.com/a/b
            http://example.com/a/b/../c       | http://example.com/a/c
            http://example.com/a/b/..         | http://example.com/a/
            http://example.com/a/.            | http://example.com/a/
            http://example.com/../../a        | http://example.com/a
            http://example.com/a/%2E%2E/b     | http://example.com/b
            http://example.com/a/%2e/b        | http://example.com/a/b
            http://example.com/a/..b/c        | http://example.com/a/..b/c
            http://example.com/a?x=../b       | http://example.com/a?x=../b
            """)
    void removesDotSegments(String url, String expected) {
        assertNormal(expected, url);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/a b/c d.html       | http://example.com/a%20b/c%20d.html
            http://example.com/ünï/日本            | http://example.com/%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC
            http://example.com/search?q=café au lait | http://example.com/search?q=caf%C3%A9%20au%20lait
            http://example.com/emoji/😀           | http://example.com/emoji/%F0%9F%98%80
            http://example.com/a"b<c>d            | http://example.com/a%22b%3Cc%3Ed
            http://example.com/x[1]               | http://example.com/x%5B1%5D
            http://example.com/x?a[]=1            | http://example.com/x?a%5B%5D=1
            http://example.com/100%               | http://example.com/100%25
            http://example.com/%zz                | http://example.com/%25zz
            """)
    void escapesSpacesNonAsciiAndIllegalCharactersAsUtf8(String url, String expected) {
        assertNormal(expected, url);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/%c3%a9              | http://example.com/%C3%A9
            http://example.com/%7Euser/%41%2d%5F   | http://example.com/~user/A-_
            http://example.com/a%2fb               | http://example.com/a%2Fb
            http://example.com/a%20b               | http://example.com/a%20b
            http://example.com/?q=%7e%3d%26        | http://example.com/?q=~%3D%26
            http://example.com/ä%C3%A4             | http://example.com/%C3%A4%C3%A4
            """)
    void decodesUnreservedEscapesAndUpperCasesTheRest(String url, String expected) {
        assertNormal(expected, url);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://bücher.example/straße           | http://xn--bcher-kva.example/stra%C3%9Fe
            http://BÜCHER.Example/                 | http://xn--bcher-kva.example/
            https://münchen.de:443/                | https://xn--mnchen-3ya.de/
            http://user@bücher.example:8080/       | http://xn--bcher-kva.example:8080/
            http://xn--bcher-kva.example/          | http://xn--bcher-kva.example/
            http://[::1]:8080/a                    | http://[::1]:8080/a
            http://127.0.0.1:8080/a                | http://127.0.0.1:8080/a
            """)
    void writesInternationalHostsInPunycode(String url, String expected) {
        assertNormal(expected, url);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "mailto:someone@example.org", "javascript:alert(1)", "tel:+15555550100", "data:text/html,hi",
            "ftp://ftp.example.org/file", "file:///etc/passwd", "ws://example.org/socket", "about:blank",
            "/relative/path", "relative.html", "//example.org/scheme-relative", "#fragment", "?query"})
    void rejectsWhatIsNotAnAbsoluteHttpUrl(String url) {
        assertEquals(Optional.empty(), UrlNormalizer.normalize(url));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @NullAndEmptySource
    @ValueSource(strings = {
            "   ", "http://", "http:///path", "http:example.com", "http://exa mple.org/", "http://example.com:port/",
            "::::", "http://[::1/", "%%%", "http://\u0000/"})
    void turnsGarbageIntoEmpty(String url) {
        assertEquals(Optional.empty(), UrlNormalizer.normalize(url));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "HTTP://Example.COM:80/a/./b/../c?q=%7e#f", "http://example.com/a b/ü?q=ä b", "http://bücher.example/x",
            "http://example.com/a/%2E%2E/b", "http://example.com/a/%2e%2E%2fb", "http://example.com/100%",
            "http://example.com/%25zz", "http://example.com/%2541", "http://example.com/x[1]?a[]=1#a#b",
            "https://example.com:443", "http://example.com/a%2fb/%7E", "http://example.com/~/%C3%A9?%e9"})
    void isIdempotent(String url) {
        String once = UrlNormalizer.normalize(url).orElseThrow();
        assertEquals(Optional.of(once), UrlNormalizer.normalize(once));
    }

    @ParameterizedTest(name = "{1} against {0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/a/b.html  | c.html                     | http://example.com/a/c.html
            http://example.com/a/b.html  | ../c.html                  | http://example.com/c.html
            http://example.com/a/b.html  | /c d.html                  | http://example.com/c%20d.html
            http://example.com/a/b.html  | ?q=1                       | http://example.com/a/b.html?q=1
            http://example.com/a/b?x=1#f | ?q=1                       | http://example.com/a/b?q=1
            http://example.com/a/b?x=1   | ''                         | http://example.com/a/b?x=1
            http://example.com/a/b?x=1   | #part                      | http://example.com/a/b?x=1
            http://example.com/a/b.html  | //Other.example/x#y        | http://other.example/x
            http://example.com/a/b.html  | https://bücher.example/    | https://xn--bcher-kva.example/
            http://bücher.example/a/     | b                          | http://xn--bcher-kva.example/a/b
            http://example.com/a/        | mailto:x@example.com       | ''
            """)
    void resolvesAReferenceAgainstABase(String base, String href, String expected) {
        assertEquals(expected.isEmpty() ? Optional.empty() : Optional.of(expected), UrlNormalizer.resolve(base, href));
    }

    @Test
    void keepsTheQueryAsItIsApartFromEscapes() {
        assertNormal("http://example.com/?b=2&a=1&a=1", "http://example.com/?b=2&a=1&a=1");
    }

    private static void assertNormal(String expected, String url) {
        assertEquals(Optional.of(expected), UrlNormalizer.normalize(url), url);
    }
}
