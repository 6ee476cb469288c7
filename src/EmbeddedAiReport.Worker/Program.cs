using System.Globalization;
using EmbeddedAiReport.Worker.Cli;

// Dates, numbers and the review page's links are written in one form whatever the machine's locale: under LANG=th_TH the
// current culture's calendar is the Buddhist one (2563-05-15 for 2020-05-15) and under ar-SA the Hijri one, which would
// reach drafts, file names, listings and URLs. Messages are English and the draft is Chinese; neither reads the locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

return await ReportCli.InvokeAsync(args, Console.Out, Console.Error);
