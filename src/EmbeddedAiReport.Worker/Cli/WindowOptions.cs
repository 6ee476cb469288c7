using System.CommandLine;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>The window options shared by <c>export</c>, <c>publish</c> and <c>entries</c>.</summary>
internal sealed class WindowOptions
{
    private readonly Option<string?> _week = new("--week") { Description = "ISO week, e.g. 2020-W48 (Asia/Shanghai by default)" };
    private readonly Option<string?> _from = new("--from") { Description = "First day, yyyy-MM-dd (inclusive, editorial time zone)" };
    private readonly Option<string?> _to = new("--to") { Description = "Last day, yyyy-MM-dd (inclusive)" };
    private readonly Option<bool> _sinceLast = new("--since-last") { Description = "From the day after the last published or imported issue to today" };

    public void AddTo(Command command)
    {
        command.Options.Add(_week);
        command.Options.Add(_from);
        command.Options.Add(_to);
        command.Options.Add(_sinceLast);
    }

    public ExportCommand.Arguments Read(ParseResult result) =>
        new(result.GetValue(_week), result.GetValue(_from), result.GetValue(_to), result.GetValue(_sinceLast));
}
