using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker.Review;

/// <summary>The review page over plain HTTP: what it shows, escaping, and who may act (loopback, anti-forgery, editor token).</summary>
public sealed partial class ReviewEndpointsTests
{
    [Fact]
    public async Task Page_Week_ShowsSectionsQuotasReasonsAndTheExportAsPreview()
    {
        await using var site = await ReviewSite.StartAsync();
        using var http = new HttpClient { BaseAddress = site.BaseUri };

        var response = await http.GetAsync($"review/{ReviewSite.Week}");
        var html = await response.Content.ReadAsStringAsync();
        File.WriteAllText("/tmp/review.html", html);
        var export = await site.ExportAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(export, WebUtility.HtmlDecode(Preview().Match(html).Groups[1].Value));
        Assert.Contains("<h2>业界新闻 <span class=\"count\">", html);
        Assert.Contains("out: below the threshold", html);
    }

    [GeneratedRegex("<pre id=\"draft-md\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex Preview();
}
