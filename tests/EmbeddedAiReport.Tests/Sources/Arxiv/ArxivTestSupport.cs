using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Arxiv;

/// <summary>Small helpers the arXiv kind tests share.</summary>
internal static class ArxivTestSupport
{
    /// <summary>Serves <paramref name="body"/> with no validators, so every poll gets the full document again.</summary>
    public static void Serve(this LoopbackServer server, string path, byte[] body, string contentType = "application/xml", int status = 200)
    {
        server.Map(path, async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.Body.WriteAsync(body);
        });
    }

    /// <summary>Every stored entry, by canonical key.</summary>
    public static async Task<Dictionary<string, StoredEntry>> EntriesAsync(this TestServices services) =>
        (await services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None))
        .ToDictionary(e => e.CanonicalKey);

    /// <summary>The problems sources.json validation reports for <paramref name="json"/>.</summary>
    public static IReadOnlyList<string> Problems(this TestServices services, string json) =>
        services.Get<SourceCatalog>().Parse(json, "sources.json", new DraftOptions().SectionSlugs(), _ => null).Problems;
}
