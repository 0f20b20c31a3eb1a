package io.modelhub.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of URLs and of text that may hold URLs, before either reaches a log line or a client:
 * the userinfo of {@code https://user:pass@host} and the values of query parameters that carry credentials
 * ({@code key=}, {@code api-key=}, {@code token=}, {@code sig=}...).
 */
public final class Redaction {
    private static final String MASK = "***";
    // scheme://userinfo@ — userinfo is everything up to '@' that contains no '/', '?', '#' or whitespace
    private static final Pattern USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@\\s]+@");
    // a credential-bearing parameter in a query string: ?key=... or &api-key=...
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "([?&;](?:[a-z0-9_-]*[_-])?(?:key|apikey|token|secret|password|passwd|pwd|sig|signature|credential|credentials|auth|code)=)[^&#\\s\"']*",
            Pattern.CASE_INSENSITIVE);

    private Redaction() {}

    /** The URL with its userinfo removed and its secret query values masked; null stays null. */
    public static String url(String url) {
        return text(url);
    }

    /** The text with every URL in it redacted as {@link #url} does. */
    public static String text(String text) {
        if (text == null || (text.indexOf('@') < 0 && text.indexOf('=') < 0)) {
            return text;
        }
        String out = USERINFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        return SECRET_PARAM.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }
}
