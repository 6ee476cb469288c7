using System.Globalization;
using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Tests.Tagging;

namespace EmbeddedAiReport.Tests.Ranking;

public sealed class ModelTrainingTests : IDisposable
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private readonly TestServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task TrainAsync_LabelsOfSeveralWindows_LearnsTheModelsOfTheWholeListOfExamples()
    {
        // The corpus' last three issues published from stored entries, each window holding 150 unpicked papers of the shipped
        // flood, one shortlisted and one rejected: the database's labels come in three windows and replace the files' copies
        // of the same items (the issues' items and the flood's papers).
        var corpus = TaggingData.Corpus();
        var flood = TrainingFiles.ReadFlood(Path.Combine(Fixtures.ConfigDirectory, "training", "arxiv-cs-cv-2025-10.jsonl")).Entries;
        var recorded = corpus.TakeLast(3).ToList();
        for (var i = 0; i < recorded.Count; i++)
        {
            var date = DateOnly.ParseExact(recorded[i].Name, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var published = new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)).AddDays(-2);
            await EntrySeeder.SeedAsync(_services, "s", [
                .. recorded[i].Items.Select(item => new EntryWrite(item.Entry with { Published = published }, "feed", item.Section, 0, [])),
                .. flood.Skip(150 * i).Take(150).Select(paper => new EntryWrite(paper with { Published = published }, "feed", "papers", 0, []))]);
            await _services.Get<IssueStore>().RecordAsync(date, "issue", "published",
                recorded[i].Items.Select(item => new PublishedItem(item.Entry.CanonicalKey, item.Section, item.Entry.Title, item.Entry.Url)).ToList(),
                CancellationToken.None);
        }
        var ids = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery { Limit = 0 }, CancellationToken.None))
            .ToDictionary(r => r.Entry.CanonicalKey, r => r.Entry.Id);
        await _services.Get<EntryStore>().SetStatusAsync([ids[flood[0].CanonicalKey]], "shortlisted", CancellationToken.None);
        await _services.Get<EntryStore>().SetStatusAsync([ids[flood[1].CanonicalKey]], "rejected", CancellationToken.None);
        var inputs = new ModelTraining.Inputs(corpus, [("arxiv-cs-cv-2025-10.jsonl", flood), ("offtopic", TaggingData.OffTopic().Select((p, i) => TrainingFiles.Post(p.Title, p.Summary, "某号", $"o{i}")).ToList())]);
        var taxonomy = TaggingData.ShippedTaxonomy();

        var trained = await _services.Get<ModelTraining>().TrainAsync(inputs, taxonomy, TaggingData.Sections, Shanghai, 0.4, useDatabase: true, CancellationToken.None);

        // The reference: every label read into one list, then the examples as one list (the files' first, without their
        // accounts; then the database's), as train did before it learned the labels as they were read.
        var labels = new List<LabelStore.Label>();
        await _services.Get<LabelStore>().ReadAsync(Shanghai, labels.Add, CancellationToken.None);
        var fromDatabase = labels.Select(l => new RankingExample(l.Entry.ToCandidate(), l.Relevant, $"db:{l.Group}", l.Section, "database")).ToList();
        var keys = fromDatabase.Select(e => e.Entry.CanonicalKey).ToHashSet(StringComparer.Ordinal);
        var fromFiles = TrainingFiles.Positives(corpus)
            .Concat(inputs.Negatives.SelectMany(n => n.Entries.Select(e => new RankingExample(e, false, n.Source, null, n.Source))))
            .Where(e => !keys.Contains(e.Entry.CanonicalKey)).ToList();
        var examples = fromFiles.Select(e => e.WithoutAccount()).Concat(fromDatabase).ToList();
        var positives = examples.Count(e => e.Relevant);
        var trainedOn = $"25 issues, {positives} editor's items, {examples.Count - positives} unpicked ({fromDatabase.Count} labels from the database)";
        var sections = fromFiles.Concat(fromDatabase).Where(e => e.Relevant && e.Section is not null && TaggingData.Sections.Contains(e.Section))
            .Select(e => (e.Entry, e.Section!)).ToList();
        Assert.Equal(3 * 150 - 2, fromDatabase.Count(e => !e.Relevant && e.Group != "db:marks"));
        Assert.Equal((positives, examples.Count - positives, labels.Count), (trained.Positives, trained.Negatives, trained.FromDatabase));
        Assert.Equal(RelevanceTrainer.Train(examples, taxonomy.Matcher, trainedOn).ToJson(), trained.Ranker.ToJson());
        Assert.Equal(RouterTrainer.Train(sections, taxonomy.Matcher, TaggingData.Sections, 0.4, trainedOn).ToJson(), trained.Router.ToJson());
    }

    [Fact]
    public async Task TrainAsync_WithoutTheDatabase_LearnsTheFilesAloneAndSaysNoDatabaseLabels()
    {
        // A database holding a label (a rejected entry), not asked for: the models learn the files' examples alone, and
        // what they were trained on says so, without "(N labels from the database)".
        var corpus = TaggingData.Corpus();
        var offTopic = TaggingData.OffTopic().Select((p, i) => TrainingFiles.Post(p.Title, p.Summary, "某号", $"o{i}")).ToList();
        await EntrySeeder.SeedAsync(_services, "s", [new EntryWrite(offTopic[0] with { CanonicalKey = "rejected-one" }, "feed", "news", 0, [])]);
        var id = (await _services.Get<EntryStore>().QueryAsync(new EntryQuery { Limit = 0 }, CancellationToken.None)).Single().Entry.Id;
        await _services.Get<EntryStore>().SetStatusAsync([id], "rejected", CancellationToken.None);
        var positives = TrainingFiles.Positives(corpus).Count();

        var trained = await _services.Get<ModelTraining>().TrainAsync(new ModelTraining.Inputs(corpus, [("offtopic", offTopic)]), TaggingData.ShippedTaxonomy(),
            TaggingData.Sections, Shanghai, 0.4, useDatabase: false, CancellationToken.None);

        Assert.Equal((positives, offTopic.Count, 0), (trained.Positives, trained.Negatives, trained.FromDatabase));
        Assert.Equal($"25 issues, {positives} editor's items, {offTopic.Count} unpicked", trained.Ranker.TrainedOn);
        Assert.Equal(trained.Ranker.TrainedOn, trained.Router.TrainedOn);
    }
}
