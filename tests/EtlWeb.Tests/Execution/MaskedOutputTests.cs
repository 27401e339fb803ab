using System.Text;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Execution;

public sealed class MaskedOutputTests
{
    private const string Secret = "p@ss w0rd/Ünïcode+x";

    private static readonly SecretMasker Masker = new([Secret]);

    [Fact]
    public void A_secret_split_across_two_reads_is_joined_before_it_is_masked()
    {
        var (splitter, output) = Pipeline();
        var bytes = Encoding.UTF8.GetBytes($"token={Secret}\n");
        var insideTheU = Encoding.UTF8.GetByteCount("token=p@ss w0rd/") + 1;

        splitter.Push(bytes.AsSpan(0, insideTheU));
        splitter.Push(bytes.AsSpan(insideTheU));

        Assert.Equal(["token=***"], output.Texts(LogStream.Stdout));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(20)]
    public void A_secret_straddling_a_64_KiB_cut_goes_whole_into_the_next_piece(int bytesBeforeTheCut)
    {
        var (splitter, output) = Pipeline();
        var filler = new string('a', LineSplitter.MaxLineBytes - bytesBeforeTheCut);

        splitter.Push(Encoding.UTF8.GetBytes(filler + Secret + " end\n"));

        Assert.Equal([filler, "*** end"], output.Texts(LogStream.Stdout));
    }

    [Fact]
    public void A_base64_secret_straddling_a_64_KiB_cut_is_masked_too()
    {
        var (splitter, output) = Pipeline();
        var filler = new string('a', LineSplitter.MaxLineBytes - 10);

        splitter.Push(Encoding.UTF8.GetBytes(filler + Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret))));
        splitter.Flush();

        Assert.Equal([filler, "***"], output.Texts(LogStream.Stdout));
    }

    [Fact]
    public async Task A_real_job_prints_its_secret_plain_in_base64_and_url_encoded_and_the_log_shows_none_of_it()
    {
        var job = Attempts.Shell(
            """echo "$S"; printf %s "$S" | base64; printf 'ab%s' "$S" | base64; printf 'x%s' "$S" | base64; echo "$S" | base64; """
            + """python3 -c 'import os,urllib.parse;print(urllib.parse.quote(os.environ["S"]))'""");
        job.Environment["S"] = Secret;
        job.SecretEnvironment.Add("S");

        var (exitCode, output) = await Attempts.RunAsync(job);

        Assert.Equal(0, exitCode);
        Assert.Equal(["***", "***", "YWJ***g=", "eH***A==", "***Cg==", "***"], output.Texts(LogStream.Stdout));
    }

    private static (LineSplitter Splitter, ListOutput Output) Pipeline()
    {
        var output = new ListOutput();
        var serialized = new SerializedOutput(output, Masker, TimeProvider.System);
        return (new LineSplitter(serialized.Secrets, 0, (line, end) => serialized.Write(LogStream.Stdout, line, end)), output);
    }
}
