using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Worker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// The daemon as an editor meets it: a real past issue (2020-05-15, week 2020-W20) served as feeds on a loopback server,
/// polled with the CLI into a fresh database, plus an off-topic post (below the threshold) and a post titled with a script
/// tag; then the daemon (`run`'s application, on an ephemeral loopback port) serving /review.
/// </summary>
public sealed class ReviewSite : IAsyncDisposable
{
    public const string Week = "2020-W20";
    public const string XssTitle = "<script>alert(1)</script>";
    public const string OffTopicTitle = "公司年会通知：本周五下午三点在三楼大会议室";
    public static readonly DateTimeOffset Published = new(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8));

    private readonly TempDirectory _directory = new();
    private WebApplication? _app;

    private readonly TimeProvider? _clock;

    private ReviewSite(LoopbackServer server, TimeProvider? clock)
    {
        Server = server;
        _clock = clock;
    }

    public LoopbackServer Server { get; }
    public string Config { get; private set; } = "";
    public string Database => _directory.File("report.db");
    public Uri BaseUri { get; private set; } = null!;
    public IReadOnlyList<IssueItem> Items { get; private set; } = [];
    public string Directory => _directory.Path;

    /// <summary>The daemon's services (its review page, its stores).</summary>
    public IServiceProvider Services => _app!.Services;

    /// <param name="editorToken">Sets <c>Report:EditorToken</c> when given.</param>
    /// <param name="clock">The daemon's and the CLI's clock (the system's when not given).</param>
    /// <param name="https">Serves https with a self-signed certificate for 127.0.0.1 (Kestrel:Certificates:Default), as Report:Urls https does.</param>
    /// <param name="services">More registrations for the daemon (e.g. an <c>IStartupFilter</c> standing in for the network).</param>
    /// <param name="settings">An edit of appsettings.json before the first poll (e.g. the draft's sections named otherwise).</param>
    public static async Task<ReviewSite> StartAsync(string? editorToken = null, TimeProvider? clock = null, bool https = false,
        Action<IServiceCollection>? services = null, Action<System.Text.Json.Nodes.JsonObject>? settings = null)
    {
        var site = new ReviewSite(await LoopbackServer.StartAsync(), clock);
        site.Items =
        [
            .. CorpusFeeds.Items("2020-05-15.md"),
            new IssueItem("news", System.Net.WebUtility.HtmlEncode(XssTitle) + " | 测试号", "https://example.org/xss", null, "标题里有脚本标签的帖子。", []),
            new IssueItem("blogs", OffTopicTitle + " | 行政部", "https://example.org/party", null, "请各部门准时参加，会后有茶点。", []),
        ];
        // Polls come from the CLI only: the daemon's schedules are set far in the future.
        var sources = CorpusFeeds.ServeBySection(site.Server, site.Items, Published, schedule: "0 0 0 1 1 ? 2099");
        site.Config = site._directory.ConfigWithSources(sources);
        if (editorToken is not null) TempDirectory.EditSettings(site.Config, json => json["Report"]!["EditorToken"] = editorToken);
        if (https) site.AddCertificate();
        if (settings is not null) TempDirectory.EditSettings(site.Config, settings);
        var poll = await site.CliAsync("poll");
        Assert.True(poll.ExitCode == 0, poll.Out + poll.Error);

        var config = WorkerHost.LoadConfig(site.Config, site.Database);
        Assert.Empty(config.Problems);
        config.Report.Urls = https ? "https://127.0.0.1:0" : "http://127.0.0.1:0";
        site._app = WorkerHost.Build(config, daemon: true, registrations => { site.WithClock(registrations); services?.Invoke(registrations); });
        await site._app.StartAsync();
        var address = site._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return site;
    }

    // A self-signed certificate for 127.0.0.1 as PEM files, named in appsettings.json as an operator names theirs.
    private void AddCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var (certificatePath, keyPath) = (_directory.File("cert.pem"), _directory.File("key.pem"));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        TempDirectory.EditSettings(Config, json => json["Kestrel"] = new System.Text.Json.Nodes.JsonObject
        {
            ["Certificates"] = new System.Text.Json.Nodes.JsonObject { ["Default"] = new System.Text.Json.Nodes.JsonObject { ["Path"] = certificatePath, ["KeyPath"] = keyPath } },
        });
    }

    /// <summary>Runs the CLI on this site's config and database.</summary>
    public Task<CliResult> CliAsync(params string[] args) => CliRunner.RunAsync(WithClock, [.. args, "--config", Config, "--db", Database]);

    private void WithClock(IServiceCollection services)
    {
        if (_clock is not null) services.AddSingleton(_clock);
    }

    /// <summary>The draft of the week as `export` prints it.</summary>
    public async Task<string> ExportAsync()
    {
        var export = await CliAsync("export", "--week", Week);
        Assert.Equal(0, export.ExitCode);
        return export.Out;
    }

    /// <summary>Serves the feeds again with <paramref name="items"/> (a source changing what it says).</summary>
    public void Serve(IReadOnlyList<IssueItem> items) => CorpusFeeds.ServeBySection(Server, items, Published);

    /// <summary>The id of the entry whose stored title starts with <paramref name="title"/>.</summary>
    public long IdOf(string title)
    {
        using var connection = DatabaseProbe.Open(Database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM entries WHERE substr(title, 1, length($t)) = $t";
        command.Parameters.AddWithValue("$t", title);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The stored status of entry <paramref name="id"/>.</summary>
    public string StatusOf(long id)
    {
        using var connection = DatabaseProbe.Open(Database);
        return DatabaseProbe.Query(connection, $"SELECT status FROM entries WHERE id = {id}", r => r.GetString(0)).Single();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}
