using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>Who may see the review page and who may act on it (design.md §9).</summary>
/// <remarks>
/// Without <c>Report:EditorToken</c>: anyone who reaches the page may read it, only loopback clients may act, and only when they
/// name the daemon by a loopback name (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>): a web page whose own host name an
/// attacker re-points at 127.0.0.1 (DNS rebinding) reaches the daemon from loopback too, as a page of its own origin that
/// could read the form token and publish. With it: reading and
/// acting need the token, as <c>Authorization: Bearer …</c> or as the cookie the login form sets (an HMAC of the token, never the
/// token itself). Browser writes must also carry the page's anti-forgery token; bearer requests are exempt, since a browser
/// never adds that header on its own. Wrong tokens are counted per client address (<see cref="LoginThrottle"/>): past the
/// limit, the address is answered 429 with Retry-After, its right token included, so that guessing stays bounded.
/// </remarks>
internal sealed class ReviewAccess(IOptions<ReportOptions> report, IAntiforgery antiforgery, LoginThrottle throttle, ILogger<ReviewAccess> logger)
{
    public const string CookieName = "eair_editor";

    private string? Token => string.IsNullOrEmpty(report.Value.EditorToken) ? null : report.Value.EditorToken;

    /// <summary>May this request see the page?</summary>
    public bool CanRead(HttpContext http) => Token is null || Presented(http) == Credential.Right;

    /// <summary>
    /// Why this request may not read a route of <see cref="ReportOptions.ProtectReads"/> (the drafts, issues, entries, sources):
    /// the status code and message to answer with; null when it may, and always without that option.
    /// </summary>
    public (int Status, string Message)? ProtectedReadRefusal(HttpContext http)
    {
        if (!report.Value.ProtectReads || Token is null) return null;
        if (RetryAfter(http) is { } wait) return (StatusCodes.Status429TooManyRequests, TooManyFailures(http, wait));
        return CanRead(http) ? null
            : (StatusCodes.Status401Unauthorized, "Report:ProtectReads is set: send Authorization: Bearer <Report:EditorToken>, or log in at /review/login");
    }

    /// <summary>Where the login cookie is sent: the review page, and every protected read when <see cref="ReportOptions.ProtectReads"/> is set.</summary>
    public string CookiePath => report.Value.ProtectReads ? "/" : "/review";

    /// <summary>May this request act (status, edit, move, publish)?</summary>
    public bool CanWrite(HttpContext http) => Token is null ? IsLoopback(http) && NamesLoopback(http) : Presented(http) == Credential.Right;

    /// <summary>
    /// How long this client must wait before it may present the editor token again (too many wrong ones, <see cref="LoginThrottle"/>);
    /// null when it may, and always without <c>Report:EditorToken</c>.
    /// </summary>
    public TimeSpan? RetryAfter(HttpContext http) => Token is null ? null : throttle.RetryAfter(http.Connection.RemoteIpAddress);

    /// <summary>Counts a wrong token from this client (the login form's, a bearer, a cookie); returns the wait it now has, null while under the limit.</summary>
    public TimeSpan? CountFailure(HttpContext http)
    {
        var wait = throttle.Failed(http.Connection.RemoteIpAddress);
        if (wait is { } locked) logger.TokensLockedOut(http.Connection.RemoteIpAddress?.ToString(), LoginThrottle.MaxFailures, LoginThrottle.Window.TotalMinutes, locked.TotalSeconds);
        return wait;
    }

    /// <summary>The login form was given the right token: the client's wrong ones are forgotten.</summary>
    public void LoginSucceeded(HttpContext http) => throttle.Succeeded(http.Connection.RemoteIpAddress);

    /// <summary>Sets Retry-After for <paramref name="wait"/> and returns the line that says why (answered with 429).</summary>
    public static string TooManyFailures(HttpContext http, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"too many wrong editor tokens from this address ({LoginThrottle.MaxFailures} within {LoginThrottle.Window.TotalMinutes:0} minutes): "
            + $"try again in {(seconds >= 90 ? $"{(seconds + 59) / 60} minutes" : Counted.Of(seconds, "second", "seconds"))}";
    }

    /// <summary>Why this request may not act (<see cref="CanWrite"/> is false): the status code and message to answer with; null when it may.</summary>
    public (int Status, string Message)? WriteRefusal(HttpContext http)
    {
        if (CanWrite(http)) return null;
        if (Token is not null) return (StatusCodes.Status401Unauthorized, "log in at /review/login or send Authorization: Bearer <Report:EditorToken>");
        return IsLoopback(http)
            ? (StatusCodes.Status403Forbidden, $"review actions without Report:EditorToken are allowed at http://localhost or http://127.0.0.1 only, not at '{Http.Echoed.Of(http.Request.Host.Host)}' (a DNS-rebinding page could act otherwise; set Report:EditorToken to allow other names)")
            : (StatusCodes.Status403Forbidden, "review actions are allowed from loopback only (set Report:EditorToken to allow other clients)");
    }

    /// <summary>Checks a write request and reads its form (<see cref="ReviewForm"/>); null when allowed, else the status code and message to answer with.</summary>
    public async Task<(int Status, string Message)?> CheckWriteAsync(HttpContext http)
    {
        if (RetryAfter(http) is { } wait) return (StatusCodes.Status429TooManyRequests, TooManyFailures(http, wait));
        if (WriteRefusal(http) is { } refusal) return refusal;
        // The anti-forgery token may be a field of the form: the body is read (once, within its limit) before it is looked for.
        if (await ReviewForm.ReadAsync(http) is { } unreadable) return unreadable;
        if (BearerOf(http) is { } bearer && IsToken(bearer)) return null;
        return await antiforgery.IsRequestValidAsync(http)
            ? null
            : (StatusCodes.Status400BadRequest, "the form's anti-forgery token is missing or out of date: reload the page");
    }

    /// <summary>True when <paramref name="candidate"/> is the editor token.</summary>
    public bool IsToken(string? candidate) =>
        Token is { } token && candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(token));

    /// <summary>The login cookie's value: an HMAC of a fixed label keyed by the token, so a leaked cookie does not reveal the token.</summary>
    public string CookieValue() => Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Token ?? ""), "eair-editor-session-v1"u8));

    /// <summary>True when the client connects from a loopback address.</summary>
    public static bool IsLoopback(HttpContext http) => http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);

    /// <summary>
    /// True when the request names the daemon by a loopback name: <c>localhost</c> (or a <c>*.localhost</c> name, which
    /// browsers resolve to loopback themselves), a loopback address, or no Host at all (HTTP/1.0; a browser always sends one).
    /// </summary>
    public static bool NamesLoopback(HttpContext http)
    {
        var host = http.Request.Host.Host.TrimEnd('.');
        if (host.Length == 0) return true;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    private enum Credential { None, Right, Wrong }

    // The bearer token or login cookie the request presents, judged once per request: a wrong one counts against the client's
    // address, a right one clears its count. A client past the limit presents nothing that counts, its right token included:
    // otherwise it could go on guessing, the cookie being an HMAC anyone can compute from a guess.
    private Credential Presented(HttpContext http)
    {
        if (http.Items.TryGetValue(typeof(Credential), out var judged)) return (Credential)judged!;
        var bearer = BearerOf(http);
        var cookie = http.Request.Cookies.TryGetValue(CookieName, out var value) ? value : null;
        var credential = Token is null || (bearer is null && cookie is null) || RetryAfter(http) is not null ? Credential.None
            : (bearer is not null && IsToken(bearer)) || (cookie is not null && IsCookie(cookie)) ? Credential.Right
            : Credential.Wrong;
        if (credential == Credential.Right) throttle.Succeeded(http.Connection.RemoteIpAddress);
        if (credential == Credential.Wrong) CountFailure(http);
        http.Items[typeof(Credential)] = credential;
        return credential;
    }

    private static string? BearerOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private bool IsCookie(string value) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(value), Encoding.ASCII.GetBytes(CookieValue()));
}
