namespace EmbeddedAiReport.Worker.Cli;

/// <summary>Process exit codes (design.md §8).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int SourcesFailed = 1;
    public const int UsageOrConfig = 2;
}
