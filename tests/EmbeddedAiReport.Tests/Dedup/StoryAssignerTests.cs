using System.Text;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.WeChat;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Dedup;

public abstract class StoryAssignerTests(StorageProvider provider) : LoopbackTest(new TestServices(provider: provider))
{
    public sealed class OnSqlite() : StoryAssignerTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : StoryAssignerTests(StorageProvider.Postgres)
    {
        // Only PostgreSQL shows a writer queued on the write lock (pg_locks), which orders the poll's commit after the pin
        // started; SQLite's busy wait leaves no trace another connection can see.
        [Fact]
        public async Task PinPrimaryAsync_EntryMovedToAnotherStoryWhileThePinWaitsForTheWriteLock_PinsItInTheStoryItBelongsToNow()
        {
            var original = CorpusEntries.Load().First(i => i.Entry.Account == "机器之心" && i.Entry.Summary.Length > 80);
            await CommitAsync(original.Entry, CorpusEntries.Retell(original), Post("https://blog.example.org/npu", "端侧 NPU 编译器发布", "一款面向手机 NPU 的开源编译器发布了第一个版本。"));
            var before = await ListAsync();
            var retold = Assert.Single(before, e => e.StoryId == before.Single(p => p.CanonicalKey == original.Entry.CanonicalKey).StoryId && !e.IsStoryPrimary);
            var other = Assert.Single(before, e => e.Url == "https://blog.example.org/npu");
            var database = Services.Get<ReportDatabase>();
            await using var poll = await database.OpenAsync(CancellationToken.None);
            await using var probe = await database.OpenAsync(CancellationToken.None);

            // A poll holds the write lock and moves the retelling to the other story (as a split and merge would)...
            await using var holding = await database.BeginWriteAsync(poll, CancellationToken.None);
            await using (var move = poll.CreateCommand(holding, $"UPDATE entries SET story_id = {other.StoryId} WHERE id = {retold.Id}"))
                await move.ExecuteNonQueryAsync();
            // ...while the editor's pin waits for it; the poll commits once the pin is queued on the lock.
            var pin = Task.Run(() => Services.Get<StoryAssigner>().PinPrimaryAsync(retold.Id, CancellationToken.None));
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await Storage.ReportDatabaseTests.CountAsync(probe, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0)
            {
                Assert.False(pin.IsCompleted, "the pin did not wait for the write lock");
                guard.Token.ThrowIfCancellationRequested();
                await Task.Yield();
            }
            await holding.CommitAsync();

            Assert.True(await pin);
            var after = await ListAsync();
            Assert.Equal(retold.Id, Assert.Single(after, e => e.StoryId == other.StoryId && e.IsStoryPrimary).Id);
            Assert.Equal(original.Entry.CanonicalKey, Assert.Single(after, e => e.StoryId == retold.StoryId && e.IsStoryPrimary).CanonicalKey);
        }
    }

    private static readonly DraftWindow AllTime = DraftWindow.Of(new DateOnly(2000, 1, 1), new DateOnly(2030, 1, 1), TimeZoneInfo.Utc);

    [Fact]
    public async Task PollManyAsync_SameArticleThroughTwoMirrorsAndUrlForms_IsOneEntry()
    {
        Server.MapFixture("a.xml", "dedup/mirror-a.xml");
        Server.MapFixture("b.xml", "dedup/mirror-b.xml");
        var sources = Services.Sources($$"""
            {"sources": [
              {"id": "mirror-a", "kind": "feed", "url": "{{Server.Url("a.xml")}}", "allowPrivateNetwork": true},
              {"id": "mirror-b", "kind": "feed", "url": "{{Server.Url("b.xml")}}", "allowPrivateNetwork": true}]}
            """);

        // Both mirrors at once: the unique canonical key, not timing, keeps the article single.
        var results = await Services.Get<SourcePoller>().PollManyAsync(sources, 2, CancellationToken.None);

        Assert.All(results, r => Assert.Null(r.Error));
        var entries = await Services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);
        Assert.Equal(3, entries.Count);
        Assert.Single(entries, e => e.CanonicalKey == "url:example.com/news/npu-launch");
        Assert.Single(entries, e => e.CanonicalKey == "arxiv:2011.12289");
        Assert.All(entries, e => Assert.NotNull(e.StoryId));
    }

    [Fact]
    public async Task ExportDraft_PostAboutAPaper_IsGroupedUnderThePaperWithItsCodeLine()
    {
        Server.MapFixture("a.xml", "dedup/mirror-a.xml");
        Server.MapFixture("b.xml", "dedup/mirror-b.xml");
        var sources = Services.Sources($$"""
            {"sources": [
              {"id": "mirror-a", "kind": "feed", "url": "{{Server.Url("a.xml")}}", "allowPrivateNetwork": true, "section": "papers"},
              {"id": "mirror-b", "kind": "feed", "url": "{{Server.Url("b.xml")}}", "allowPrivateNetwork": true, "section": "papers"}]}
            """);
        foreach (var source in sources) await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

        var draft = await Services.Get<DraftExporter>().BuildAsync(AllTime, CancellationToken.None);
        var markdown = new DraftRenderer(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "templates", "draft.md.liquid"))).Render(draft);

        var papers = Assert.Single(draft.Sections, s => s.Slug == "papers").Items;
        Assert.Equal(2, papers.Count);                       // the NPU news and the paper story; the post is not an item of its own
        var paper = Assert.Single(papers, i => i.CanonicalKey == "arxiv:2011.12289");
        Assert.Equal("https://blog.example.org/posts/tiny-ptq", Assert.Single(paper.Writeups).Url);
        Assert.Contains("解读：[解读：微控制器上的训练后量化 | 镜像 B](https://blog.example.org/posts/tiny-ptq)", markdown);
        Assert.Contains("项目：https://github.com/example/tiny-ptq", markdown);
        Assert.Contains("导读：本次2条", markdown);
    }

    [Fact]
    public async Task AssignPendingAsync_RetoldStory_JoinsTheOriginalWhichStaysPrimary()
    {
        var original = CorpusEntries.Load().First(i => i.Entry.Account == "机器之心" && i.Entry.Summary.Length > 80);
        var retold = CorpusEntries.Retell(original);

        await CommitAsync(retold with { Published = original.Entry.Published }, original.Entry);   // the retelling even arrives first

        var entries = await ListAsync();
        Assert.Equal(2, entries.Count);
        Assert.Equal(entries[0].StoryId, entries[1].StoryId);
        Assert.True(Assert.Single(entries, e => e.IsStoryPrimary).CanonicalKey == original.Entry.CanonicalKey);
    }

    // Dedup:LookbackDays (30): near duplicates must lie within that many days of each other, whichever of the two is older;
    // a retelling 40 days after the original is a new story (links, not text, join across that distance).
    [Fact]
    public async Task AssignPendingAsync_RetoldStoryFortyDaysLater_StaysApart()
    {
        var original = CorpusEntries.Load().First(i => i.Entry.Account == "机器之心" && i.Entry.Summary.Length > 80);
        var retold = CorpusEntries.Retell(original);
        var now = Services.Clock.GetUtcNow();

        await CommitAsync(original.Entry with { Published = now.AddDays(-40) }, retold with { Published = now });

        var entries = await ListAsync();
        Assert.Equal(2, entries.Count);
        Assert.NotEqual(entries[0].StoryId, entries[1].StoryId);
    }

    [Fact]
    public async Task AssignPendingAsync_DifferentStories_StayApart()
    {
        var corpus = CorpusEntries.Load().Where(i => i.Issue == new DateOnly(2020, 3, 19)).Select(i => i.Entry).ToList();

        await CommitAsync([.. corpus]);

        // The issue's 20 items (Fixtures/corpus-items/2020-03-19.jsonl), each its own story.
        var entries = await ListAsync();
        Assert.Equal(20, entries.Count);
        Assert.All(entries, e => Assert.NotNull(e.StoryId));
        Assert.Equal(20, entries.Select(e => e.StoryId).Distinct().Count());
    }

    [Fact]
    public async Task AssignPendingAsync_PostsSharingOnlyARepositoryLink_StayApart()
    {
        var a = Post("https://blog.example.org/a", "用 ncnn 在树莓派上部署 YOLO", "本文使用 https://github.com/Tencent/ncnn 在树莓派 4 上部署目标检测模型，并测量了延迟。");
        var b = Post("https://blog.example.org/b", "ncnn 的 Vulkan 后端是怎样工作的", "源码位于 https://github.com/Tencent/ncnn ，本文分析 Vulkan 计算着色器的调度方式。");

        await CommitAsync(a, b);

        var entries = await ListAsync();
        Assert.NotEqual(entries[0].StoryId, entries[1].StoryId);
    }

    [Fact]
    public async Task AssignPendingAsync_RepositoryEntryAndAPostAboutIt_AreOneStory()
    {
        var repo = new CandidateEntry
        {
            CanonicalKey = "gh:tencent/ncnn", Url = "https://github.com/Tencent/ncnn", Title = "Tencent/ncnn",
            Summary = "ncnn is a high-performance neural network inference framework optimized for the mobile platform",
            Published = Services.Clock.GetUtcNow(),
        };
        var post = Post("https://blog.example.org/a", "用 ncnn 在树莓派上部署 YOLO", "本文使用 https://github.com/Tencent/ncnn 在树莓派 4 上部署目标检测模型，并测量了延迟。");

        await CommitAsync(post);
        await CommitAsync(repo);

        var entries = await ListAsync();
        Assert.Equal(entries[0].StoryId, entries[1].StoryId);
        Assert.Equal("gh:tencent/ncnn", Assert.Single(entries, e => e.IsStoryPrimary).CanonicalKey);
    }

    // Dedup:MaxLinksPerEntry (3): a post naming its paper and two repositories is about that paper; a post naming four is a
    // roundup, whose links group nothing. The paper is stored first, so the post's own links are what is looked up.
    [Fact]
    public async Task AssignPendingAsync_PostWithThreeLinksJoinsThePaper_RoundupWithFourStaysApart()
    {
        var paper = new CandidateEntry
        {
            CanonicalKey = "arxiv:2011.12289", Url = "https://arxiv.org/abs/2011.12289", Title = "Post-training quantization on microcontrollers",
            Summary = "We study post-training quantization of convolutional networks for microcontrollers with tiny memory budgets.",
            Published = Services.Clock.GetUtcNow(),
        };
        var post = Post("https://blog.example.org/three", "微控制器上的训练后量化",
            "论文 https://arxiv.org/abs/2011.12289 ，代码 https://github.com/example/tiny-ptq ，基于 https://github.com/Tencent/ncnn 部署。");
        var roundup = Post("https://blog.example.org/four", "本周端侧推理论文与项目汇总",
            "https://arxiv.org/abs/2011.12289 https://arxiv.org/abs/2004.10934 https://github.com/AlexeyAB/darknet https://github.com/alibaba/MNN");
        Assert.Equal(3, post.Links.Count);
        Assert.Equal(4, roundup.Links.Count);

        await CommitAsync(paper);
        await CommitAsync(post, roundup);

        var story = (await ListAsync()).ToDictionary(e => e.CanonicalKey, e => e.StoryId);
        Assert.Equal(story["arxiv:2011.12289"], story["url:blog.example.org/three"]);
        Assert.NotEqual(story["arxiv:2011.12289"], story["url:blog.example.org/four"]);
    }

    // Six papers, each with a WeChat write-up that also names the backbone every one of them builds on (MobileNetV2). Each
    // write-up is about its own paper (two links, not a roundup); MobileNetV2 is linked by six entries, more than
    // Dedup:MaxLinkFanout (4): a hub, which groups nothing by link (README). By hand: seven stories, each paper with its
    // write-up and MobileNetV2 alone, whether the backbone's own entry comes first or last; the entries of one paper
    // arrive in one poll, the papers one poll after another.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AssignPendingAsync_WriteUpsCitingOneBackbone_EachStaysWithItsPaperWhicheverArrivesFirst(bool backboneFirst)
    {
        var backbone = TrainingFiles.Paper("1801.04381", "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
            "We describe a new mobile architecture based on an inverted residual structure where the shortcut connections are between the thin bottleneck layers.");
        if (backboneFirst) await CommitAsync(backbone);
        foreach (var (paper, post) in BackboneWriteUps())
            await CommitAsync(paper, post);
        if (!backboneFirst) await CommitAsync(backbone);

        var entries = await ListAsync();
        var story = entries.ToDictionary(e => e.CanonicalKey, e => e.StoryId);
        Assert.Equal(13, entries.Count);
        Assert.Equal(7, entries.Select(e => e.StoryId).Distinct().Count());
        foreach (var (paper, post) in BackboneWriteUps())
            Assert.Equal(story[paper.CanonicalKey], story[post.CanonicalKey]);
        Assert.Single(entries, e => e.StoryId == story[backbone.CanonicalKey]);
    }

    // Below the bound the links group: a paper and four write-ups of it (each naming the paper and its code) are one story
    // in either order, and the code's repository entry with them.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AssignPendingAsync_PaperWithFourWriteUps_IsOneStoryWhicheverArrivesFirst(bool paperFirst)
    {
        var (paper, code, posts) = Riptide();
        Assert.All(posts, p => Assert.Contains(p.Links, l => l.Target == "arxiv:2005.00057"));

        if (paperFirst) await CommitAsync(paper, code);
        foreach (var post in posts) await CommitAsync(post);
        if (!paperFirst) await CommitAsync(paper, code);

        Assert.Single((await ListAsync()).Select(e => e.StoryId).Distinct());
    }

    // A story held together by a backbone that becomes a hub is split into what still holds its members together (README,
    // Dedup:MaxLinkFanout). Before: four posts cite MobileNetV2, so they are one story through it; two also name one
    // repository (a repository's linkers do not join each other), two name one paper (a paper's do), and the editor pinned
    // the second of those. A fifth post makes MobileNetV2 a hub. By hand: the two repository posts apart, the paper's two
    // together in the pinned post's story with the pin kept, the fifth alone.
    [Fact]
    public async Task AssignPendingAsync_BackboneBecomesAHub_ItsStorySplitsWhereNoOtherLinkHoldsAndThePinnedGroupKeepsIt()
    {
        const string backbone = " 骨干网络 MobileNetV2（https://arxiv.org/abs/1801.04381）";
        var repoA = Post("https://blog.example.org/ncnn-yolo", "用 ncnn 在树莓派上部署 YOLO", "本文使用 https://github.com/Tencent/ncnn 在树莓派 4 上部署目标检测模型，并测量了延迟。" + backbone);
        var repoB = Post("https://blog.example.org/ncnn-vulkan", "ncnn 的 Vulkan 后端是怎样工作的", "源码位于 https://github.com/Tencent/ncnn ，本文分析 Vulkan 计算着色器的调度方式。" + backbone);
        var paperA = Post("https://blog.example.org/tinyquant-a", "4 比特训练后量化：让视觉 Transformer 跑在手机 NPU 上",
            "激活中的离群值让低比特量化失效，作者按通道处理离群值。论文：https://arxiv.org/abs/2402.14702" + backbone);
        var paperB = Post("https://blog.example.org/tinyquant-b", "TinyQuant 论文解读：权重和激活都保持 4 比特",
            "在手机 NPU 上部署视觉 Transformer 的量化方案，实验覆盖三款芯片。https://arxiv.org/abs/2402.14702" + backbone);
        var fifth = Post("https://blog.example.org/kws", "功耗不到一毫瓦的常开语音唤醒芯片", "22 纳米测试芯片上运行深度可分离卷积网络，实现常开的关键词识别。" + backbone);
        await CommitAsync(repoA, repoB, paperA, paperB);
        var before = (await ListAsync()).ToDictionary(e => e.CanonicalKey);
        Assert.Single(before.Values.Select(e => e.StoryId).Distinct());
        Assert.True(await Services.Get<StoryAssigner>().PinPrimaryAsync(before[paperB.CanonicalKey].Id, CancellationToken.None));

        await CommitAsync(fifth);

        var after = (await ListAsync()).ToDictionary(e => e.CanonicalKey);
        Assert.Equal(4, after.Values.Select(e => e.StoryId).Distinct().Count());
        Assert.Equal(before[paperB.CanonicalKey].StoryId, after[paperB.CanonicalKey].StoryId);
        Assert.Equal(after[paperA.CanonicalKey].StoryId, after[paperB.CanonicalKey].StoryId);
        Assert.Equal(paperB.CanonicalKey, Assert.Single(after.Values, e => e.StoryId == after[paperB.CanonicalKey].StoryId && e.IsStoryPrimary).CanonicalKey);
        Assert.NotEqual(after[repoA.CanonicalKey].StoryId, after[repoB.CanonicalKey].StoryId);
        Assert.All(after.Values, e => Assert.Single(after.Values, o => o.StoryId == e.StoryId && o.IsStoryPrimary));
    }

    // What text joins holds a split story together as it does a new entry (README): the same text at any distance, a near
    // duplicate within Dedup:LookbackDays (30). Four posts citing MobileNetV2, one story through it: an article and its
    // retelling three hours later, another article and a copy of its text 40 days before; a fifth post makes MobileNetV2
    // a hub. By hand: the two pairs stay, apart from each other, the fifth alone.
    [Fact]
    public async Task AssignPendingAsync_BackboneBecomesAHub_SameTextAndNearDuplicatesWithinTheLookbackStayTogether()
    {
        const string backbone = " 骨干网络 MobileNetV2（https://arxiv.org/abs/1801.04381）";
        var corpus = CorpusEntries.Load().Where(i => i.Entry.Account == "机器之心" && i.Entry.Summary.Length > 80).Take(2).ToList();
        var now = Services.Clock.GetUtcNow();
        var original = Citing(corpus[0].Entry with { Published = now }, backbone);
        var retold = Citing(CorpusEntries.Retell(corpus[0]) with { Published = now.AddHours(3) }, backbone);
        var article = Citing(corpus[1].Entry with { Published = now }, backbone);
        var copy = Post("https://blog.example.org/copy", article.Title, article.Summary) with { Published = now.AddDays(-40) };
        var fifth = Post("https://blog.example.org/kws", "功耗不到一毫瓦的常开语音唤醒芯片", "22 纳米测试芯片上运行深度可分离卷积网络，实现常开的关键词识别。" + backbone);
        await CommitAsync(original, retold, article, copy);
        Assert.Single((await ListAsync()).Select(e => e.StoryId).Distinct());

        await CommitAsync(fifth);

        var story = (await ListAsync()).ToDictionary(e => e.CanonicalKey, e => e.StoryId);
        Assert.Equal(3, story.Values.Distinct().Count());
        Assert.Equal(story[original.CanonicalKey], story[retold.CanonicalKey]);
        Assert.Equal(story[article.CanonicalKey], story[copy.CanonicalKey]);
        Assert.NotEqual(story[original.CanonicalKey], story[article.CanonicalKey]);
    }

    // A story of two, an article and its retelling 40 days later (no near duplicates across Dedup:LookbackDays), held
    // together only by MobileNetV2, which both cite; three more posts make MobileNetV2 a hub. By hand: five stories; then a
    // copy of each of the two, two days from it, joins it (whichever left the story, the copy finds it in its new one).
    [Fact]
    public async Task AssignPendingAsync_BackboneBecomesAHub_AStoryOfTwoHeldOnlyByItSplits_ACopyOfEitherJoinsIt()
    {
        const string backbone = " 骨干网络 MobileNetV2（https://arxiv.org/abs/1801.04381）";
        var original = CorpusEntries.Load().First(i => i.Entry.Account == "机器之心" && i.Entry.Summary.Length > 80);
        var now = Services.Clock.GetUtcNow();
        var first = Citing(original.Entry with { Published = now.AddDays(-40) }, backbone);
        var retold = Citing(CorpusEntries.Retell(original) with { Published = now }, backbone);
        await CommitAsync(first, retold);
        Assert.Single((await ListAsync()).Select(e => e.StoryId).Distinct());

        await CommitAsync(
            Post("https://blog.example.org/kws", "功耗不到一毫瓦的常开语音唤醒芯片", "22 纳米测试芯片上运行深度可分离卷积网络，实现常开的关键词识别。" + backbone),
            Post("https://blog.example.org/mali", "Mali 与 Adreno 上的混合精度推理实测", "测量了移动 GPU 上 INT8/FP16 混合精度内核的性能，并发布了一套基准测试。" + backbone),
            Post("https://blog.example.org/nas", "综述：面向边缘加速器的硬件感知网络结构搜索", "梳理了 120 篇论文的搜索空间、延迟预测器与目标硬件。" + backbone));

        Assert.Equal(5, (await ListAsync()).Select(e => e.StoryId).Distinct().Count());

        var firstCopy = Post("https://blog.example.org/first-copy", first.Title + "（转载）", first.Summary) with { Published = now.AddDays(-38) };
        var retoldCopy = Post("https://blog.example.org/retold-copy", retold.Title + "（转载）", retold.Summary) with { Published = now.AddDays(-2) };
        await CommitAsync(firstCopy, retoldCopy);

        var story = (await ListAsync()).ToDictionary(e => e.CanonicalKey, e => e.StoryId);
        Assert.Equal(5, story.Values.Distinct().Count());
        Assert.Equal(story[first.CanonicalKey], story[firstCopy.CanonicalKey]);
        Assert.Equal(story[retold.CanonicalKey], story[retoldCopy.CanonicalKey]);
    }

    // A paper's four write-ups (Dedup:MaxLinkFanout, not a hub) that also cite MobileNetV2, two of them naming the code too
    // (three links: Dedup:MaxLinksPerEntry, not a roundup); a fifth post makes MobileNetV2 a hub. By hand: the paper, its
    // code and the four write-ups stay one story, the fifth alone.
    [Fact]
    public async Task AssignPendingAsync_BackboneBecomesAHub_APapersWriteUpsAtTheBoundsStayWithIt()
    {
        const string backbone = " 骨干网络 MobileNetV2（https://arxiv.org/abs/1801.04381）";
        var (paper, code, posts) = Riptide(backbone);
        Assert.Equal(new[] { 3, 2, 3, 2 }, posts.Select(p => p.Links.Count));
        var fifth = Post("https://blog.example.org/kws", "功耗不到一毫瓦的常开语音唤醒芯片", "22 纳米测试芯片上运行深度可分离卷积网络，实现常开的关键词识别。" + backbone);
        await CommitAsync([paper, code, .. posts]);

        await CommitAsync(fifth);

        var story = (await ListAsync()).ToDictionary(e => e.CanonicalKey, e => e.StoryId);
        Assert.Equal(2, story.Values.Distinct().Count());
        Assert.All(posts.Append(code), p => Assert.Equal(story[paper.CanonicalKey], story[p.CanonicalKey]));
    }

    // Riptide (MLSys 2020): the paper, its code's repository and four WeChat write-ups naming the paper (two of them the
    // code too), each write-up's text followed by citing.
    private (CandidateEntry Paper, CandidateEntry Code, CandidateEntry[] Posts) Riptide(string citing = "")
    {
        var paper = TrainingFiles.Paper("2005.00057", "Riptide: Fast End-to-End Binarized Neural Networks",
            "Binarized neural networks promise large speedups but are slow in practice; Riptide finds and removes the bottlenecks of end-to-end binarized inference with TVM.");
        var code = new CandidateEntry
        {
            CanonicalKey = "gh:jwfromm/riptide", Url = "https://github.com/jwfromm/Riptide", Title = "jwfromm/Riptide",
            Summary = "Simple Binary Neural Networks with TVM", Published = Services.Clock.GetUtcNow(),
        };
        CandidateEntry[] posts =
        [
            Post("https://mp.weixin.qq.com/s/riptide-a", "Riptide：12倍端到端加速的二值网络", "OctoML 的研究者提出了 Riptide，找出并解决端到端二值网络的瓶颈。论文 https://arxiv.org/abs/2005.00057 代码 https://github.com/jwfromm/Riptide" + citing),
            Post("https://mp.weixin.qq.com/s/riptide-b", "陈天奇团队新作：在树莓派上跑二值网络", "基于 TVM 自动生成调优过的二值化算子，实验表明在树莓派上比浮点模型快 12 倍。https://arxiv.org/abs/2005.00057" + citing),
            Post("https://mp.weixin.qq.com/s/riptide-c", "MLSys 2020 论文解读：二值神经网络的系统瓶颈", "作者分析了比特打包、融合与调度对延迟的影响，并开源了实现 https://github.com/jwfromm/Riptide ，论文见 https://arxiv.org/abs/2005.00057" + citing),
            Post("https://mp.weixin.qq.com/s/riptide-d", "一文看懂二值化推理的工程细节", "从量化激活到 popcount 内核，复现 arXiv:2005.00057 的关键技巧与踩坑记录。" + citing),
        ];
        return (paper, code, posts);
    }

    // The entry with its text ending in `citing`, and that text's links.
    private static CandidateEntry Citing(CandidateEntry entry, string citing) =>
        entry with { Summary = entry.Summary + citing, Links = Mentions.Find(entry.CanonicalKey, entry.Title, entry.Summary + citing) };

    // Six papers on on-device inference, each with a WeChat write-up naming it and MobileNetV2.
    private IEnumerable<(CandidateEntry Paper, CandidateEntry Post)> BackboneWriteUps()
    {
        (string Id, string Title, string Abstract, string PostTitle, string PostText)[] papers =
        [
            ("2402.14702", "TinyQuant: 4-bit Post-Training Quantization for On-Device Vision Transformers",
                "Vision transformers are hard to deploy on mobile NPUs because their activations have outliers that break low-bit quantization.",
                "4 比特训练后量化：让视觉 Transformer 跑在手机 NPU 上", "激活中的离群值让低比特量化失效，作者按通道处理离群值，权重和激活都保持 4 比特。"),
            ("2402.14655", "Structured Pruning of Small Language Models for Microcontrollers",
                "We prune 100M-parameter language models to fit the 2 MB SRAM of a Cortex-M7 microcontroller with latency-aware structured pruning.",
                "把一亿参数的语言模型塞进 2MB 内存的单片机", "面向 Cortex-M7 的结构化剪枝，联合去掉注意力头和 MLP 通道，再用短暂蒸馏恢复精度。"),
            ("2402.14511", "A Survey of Neural Architecture Search for Edge Accelerators",
                "Hardware-aware neural architecture search has produced many efficient networks; we survey 120 papers and their latency predictors.",
                "综述：面向边缘加速器的硬件感知网络结构搜索", "梳理了 120 篇论文的搜索空间、延迟预测器与目标硬件（NPU、DSP、GPU）。"),
            ("2401.09876", "Binary Neural Networks Revisited",
                "We revisit binarization of convolutional networks and show that a learned scaling factor per channel closes most of the gap.",
                "二值网络再思考：每通道缩放因子的作用", "重新审视卷积网络的二值化，学习到的逐通道缩放因子弥补了与全精度之间的大部分差距。"),
            ("2312.05555", "Mixed-Precision Inference on Mobile GPUs",
                "We measure INT8/FP16 mixed-precision kernels on Mali and Adreno GPUs and release a benchmark suite for mobile inference.",
                "Mali 与 Adreno 上的混合精度推理实测", "测量了移动 GPU 上 INT8/FP16 混合精度内核的性能，并发布了一套基准测试。"),
            ("2311.04321", "Keyword Spotting with Sub-Milliwatt Always-On Accelerators",
                "An always-on keyword spotting accelerator runs a depthwise-separable network under one milliwatt on a 22 nm test chip.",
                "功耗不到一毫瓦的常开语音唤醒芯片", "22 纳米测试芯片上运行深度可分离卷积网络，实现常开的关键词识别。"),
        ];
        var when = Services.Clock.GetUtcNow();
        foreach (var (id, title, summary, postTitle, postText) in papers)
            yield return (TrainingFiles.Paper(id, title, summary) with { Published = when },
                Post($"https://mp.weixin.qq.com/s/{id}", postTitle, $"{postText}论文：https://arxiv.org/abs/{id} ，骨干网络 MobileNetV2（https://arxiv.org/abs/1801.04381）"));
    }

    [Fact]
    public async Task AssignPendingAsync_UnchangedThenEditedEntry_IsSignedAgainOnlyAfterTheEdit()
    {
        var post = Post("https://blog.example.org/a", "端侧大模型量化实践", "本文介绍在手机上运行 4 比特量化的大语言模型的完整流程与性能数据。");
        await CommitAsync(post);
        var assigner = Services.Get<StoryAssigner>();

        await StoreAsync(post);
        var unchanged = await assigner.AssignPendingAsync(CancellationToken.None);
        await StoreAsync(post with { Summary = post.Summary + "更新：补充了 NPU 上的结果。" });
        var edited = await assigner.AssignPendingAsync(CancellationToken.None);

        Assert.Equal(0, unchanged.Signed);
        Assert.Equal(1, edited.Signed);
        Assert.Single(await ListAsync(), e => e.IsStoryPrimary);
    }

    [Fact]
    public async Task PinPrimaryAsync_EditorsChoice_SurvivesLaterAssignments()
    {
        var original = CorpusEntries.Load().First(i => i.Entry.Account == "机器之心" && i.Entry.Summary.Length > 80);
        await CommitAsync(original.Entry, CorpusEntries.Retell(original));
        var retold = Assert.Single(await ListAsync(), e => !e.IsStoryPrimary);

        Assert.True(await Services.Get<StoryAssigner>().PinPrimaryAsync(retold.Id, CancellationToken.None));
        await CommitAsync(original.Entry with { Summary = original.Entry.Summary + " 补充。" });

        Assert.Equal(retold.Id, Assert.Single(await ListAsync(), e => e.IsStoryPrimary).Id);
    }

    // README, mark --primary: the entry pinned is the item that represents its story. A later post that is the pinned story's
    // text and links a paper with a story of its own joins the two: the editor's choice still represents them.
    [Fact]
    public async Task PinPrimaryAsync_PinnedStoryJoinedWithAnotherByALaterPost_TheEditorsChoiceStillRepresentsIt()
    {
        var original = CorpusEntries.Load().First(i => i.Entry.Account == "机器之心" && i.Entry.Summary.Length > 80);
        var paper = TrainingFiles.Paper("2011.12289", "TinyQuant: Post-Training Quantization for Vision Transformers on Mobile NPUs",
            "We quantize weights and activations of vision transformers to 4 bits on mobile NPUs.") with { Published = original.Entry.Published };
        await CommitAsync(paper);
        await CommitAsync(original.Entry, CorpusEntries.Retell(original));
        var retold = Assert.Single(await ListAsync(), e => e.CanonicalKey != paper.CanonicalKey && !e.IsStoryPrimary);
        Assert.True(await Services.Get<StoryAssigner>().PinPrimaryAsync(retold.Id, CancellationToken.None));

        await CommitAsync(Post("https://blog.example.org/repost", original.Entry.Title, original.Entry.Summary + " 论文：https://arxiv.org/abs/2011.12289")
            with { Published = original.Entry.Published });
        var joined = await ListAsync();
        await CommitAsync(original.Entry with { Summary = original.Entry.Summary + " 补充。" });   // and at later polls

        Assert.Single(joined.Select(e => e.StoryId).Distinct());
        Assert.Equal(retold.Id, Assert.Single(joined, e => e.IsStoryPrimary).Id);
        Assert.Equal(retold.Id, Assert.Single(await ListAsync(), e => e.IsStoryPrimary).Id);
    }

    // Issue 13: fingerprints cover the whole text an item arrives with. A real article (a WeChat page fixture, 2.3k characters)
    // and a retelling with the same title and its sentences in another order share almost every shingle, but not their first
    // 400 characters (the stored summary); another real long text on the newsletter's own topic must stay apart.
    [Fact]
    public async Task PollAsync_LongArticleAndItsSentenceReorderedRetelling_BecomeOneStoryAndAnotherArticleStaysApart()
    {
        var page = ArticlePageParser.Parse(new FetchedDocument(Fixtures.Bytes("wechat-article-html/wechatsogou_2018_article_qqmusic.html"),
            "text/html", "utf-8", new Uri("https://mp.weixin.qq.com/s/music"), Services.Clock.GetUtcNow())).Page!;
        var sentences = Regex.Split(page.Body, "(?<=[。！？])").Where(p => p.Trim().Length > 0).ToList();
        var reordered = sentences.OrderBy(_ => 0).ToList();
        new Random(13).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(reordered));
        var other = string.Concat(CorpusEntries.Load().Where(i => i.Issue == new DateOnly(2020, 3, 19)).Select(i => i.Entry.Summary + "。"));
        Assert.True(page.Body.Length > 2000 && other.Length > 2000 && reordered.Count > 20);
        Assert.NotEqual(page.Body[..400], string.Concat(reordered)[..400]);
        var feed = $$"""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>长文</title><link>https://blog.example.org/</link>
            {{Item("a", "文艺青年的四大法宝：音乐", page.Body)}}
            {{Item("b", "文艺青年的四大法宝：音乐", string.Concat(reordered))}}
            {{Item("c", "嵌入式AI简报 2020-03-19 回顾", other)}}
            </channel></rss>
            """;
        Server.MapFile("long.xml", Encoding.UTF8.GetBytes(feed));
        var source = Services.Sources($$"""{"sources": [{"id": "long", "kind": "feed", "url": "{{Server.Url("long.xml")}}", "allowPrivateNetwork": true}]}""");

        var result = await Services.Get<SourcePoller>().PollAsync(source[0], CancellationToken.None);

        Assert.Equal(3, result.New);
        var entries = await ListAsync();
        Assert.InRange(entries.Max(e => e.Summary.Length), 300, 401);   // stored: only the opening
        var story = entries.ToDictionary(e => e.Url[^1..], e => e.StoryId);
        Assert.Equal(story["a"], story["b"]);
        Assert.NotEqual(story["a"], story["c"]);
    }

    // An RSS item whose description is the text as HTML paragraphs, one per sentence run.
    private static string Item(string name, string title, string text) =>
        $"<item><title>{title}</title><link>https://blog.example.org/{name}</link><description><![CDATA[<p>{text.Replace("。", "。</p><p>")}</p>]]></description></item>";

    private CandidateEntry Post(string url, string title, string summary)
    {
        var key = EntryKey.For(new Uri(url));
        return new CandidateEntry
        {
            CanonicalKey = key, Url = url, Title = title, Summary = summary, Account = "博客", Published = Services.Clock.GetUtcNow(),
            Links = Mentions.Find(key, title, summary),
        };
    }

    // One committed fetch followed by the assignment pass, as SourcePoller does.
    private async Task CommitAsync(params CandidateEntry[] entries)
    {
        await StoreAsync(entries);
        await Services.Get<StoryAssigner>().AssignPendingAsync(CancellationToken.None);
    }

    private async Task StoreAsync(params CandidateEntry[] entries)
    {
        var record = new FetchRecord("test", "feed", Services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, entries.Length, null, new Dictionary<string, HttpValidators>());
        await Services.Get<SourceStore>().CommitFetchAsync(record, entries.Select(CorpusEntries.Write).ToList(), CancellationToken.None);
    }

    private Task<IReadOnlyList<StoredEntry>> ListAsync() =>
        Services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None);
}
