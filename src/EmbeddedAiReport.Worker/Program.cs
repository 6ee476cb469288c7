using EmbeddedAiReport.Worker.Cli;

return await ReportCli.InvokeAsync(args, Console.Out, Console.Error);
