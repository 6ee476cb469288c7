using Microsoft.Playwright;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright, one browser per test class (xunit class fixture). Nothing is downloaded: the
/// browser is /usr/bin/chromium (or EAIR_CHROMIUM), which .ci/run installs with apt when it is missing.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>
    /// Flags for this closed network: no background connections, no component updates, no sync, and no host name resolved
    /// but 127.0.0.1 (the pages are served there; without the rule Chromium still looked names up through the system's
    /// resolver, ~370 DNS queries per test run); root needs --no-sandbox.
    /// </summary>
    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("EAIR_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} not found: the browser tests need Debian's chromium (apt-get install -y chromium), as .ci/run installs it");
        _playwright = await Playwright.CreateAsync();
        // Playwright starts Chromium on a fresh, empty --user-data-dir of its own (a temp folder removed when the browser closes).
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = Flags });
    }

    /// <summary>A new page in a fresh context (own cookies), sized like a laptop or a phone; <paramref name="script"/> false: JavaScript off.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false, bool script = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1366, Height = 900 },
            IsMobile = phone, HasTouch = phone, Locale = "zh-CN", JavaScriptEnabled = script,
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
