using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using EtlWeb.Api;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Security;

/// <summary>
/// Generated malformed and hostile job documents, import files and webhook bodies thrown at the API: every answer names
/// what is wrong (a field, a line, a job's field) and is never a server error, and nothing is written.
/// </summary>
public sealed class HostileInputTests : HostTest
{
    private const int Samples = 150;

    /// <summary>The fields of the job document, plus names a script might get wrong.</summary>
    private static readonly string[] Keys =
    [
        JobFields.Name, JobFields.Description, JobFields.JobType, JobFields.Command, JobFields.Script, JobFields.Interpreter,
        JobFields.WorkingDirectory, JobFields.Environment, JobFields.SecretEnvironment, JobFields.TimeoutSeconds, JobFields.MaxRetries,
        JobFields.RetryDelaySeconds, JobFields.RetryBackoff, JobFields.ScheduleType, JobFields.CronExpression, JobFields.TimeZone,
        JobFields.IntervalMinutes, JobFields.Dependencies, JobFields.NotifyEmail, JobFields.NotifyOnSuccess, JobFields.Enabled,
        JobFields.OverlapPolicy, JobFields.MisfirePolicy, "id", "env_vars", "timeout", "__proto__", "",
    ];

    private static readonly Gen<string> HostileText = Gen.OneOf(
        Gen.String,
        Gen.Const(""),
        Gen.Const(new string('x', 70_000)),
        Gen.Const("\u0000\u0001\u001b[31m\r\n"),
        Gen.Const("\ud800"),
        Gen.Const("'; DROP TABLE jobs; --"),
        Gen.Const("../../../../etc/passwd"),
        Gen.Const("0 0 31 2 *"),
        Gen.Const("Mars/Olympus_Mons"),
        Gen.Const("$(reboot)"));

    /// <summary>Values of every JSON kind, many of them the wrong kind for the field they land in.</summary>
    private static readonly Gen<JsonNode?> HostileValue = Gen.OneOf(
        Gen.Const((JsonNode?)null),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d)),
        Gen.Const<JsonNode?>(JsonValue.Create(-1)),
        Gen.Const<JsonNode?>(JsonValue.Create(1e300)),
        HostileText.Select(t => (JsonNode?)JsonValue.Create(t)),
        HostileText.Array[0, 3].Select(a => (JsonNode?)new JsonArray([.. a.Select(t => (JsonNode?)JsonValue.Create(t))])),
        HostileText.Select(t => (JsonNode?)new JsonObject { [t.Length == 0 ? "k" : t[..Math.Min(t.Length, 20)]] = 1 }));

    /// <summary>A job_type no job can have: each generated document is invalid for that reason at least.</summary>
    private static readonly Gen<JsonNode?> BadJobType = Gen.OneOf(
        Gen.Const<JsonNode?>(JsonValue.Create("perl")),
        Gen.Const<JsonNode?>(JsonValue.Create("")),
        Gen.Const<JsonNode?>(JsonValue.Create(5)),
        Gen.Const((JsonNode?)null),
        Gen.Const<JsonNode?>(new JsonArray("shell")),
        Gen.Const<JsonNode?>(new JsonObject { ["shell"] = true }));

    private static readonly Gen<JsonObject> HostileDocument =
        Gen.Select(Gen.OneOf(Keys.Select(Gen.Const).ToArray()).Select(HostileValue).Array[0, 8], BadJobType, (fields, jobType) =>
        {
            var document = new JsonObject();
            foreach (var (key, value) in fields)
            {
                document[key] = value?.DeepClone();
            }

            document[JobFields.JobType] = jobType?.DeepClone();
            return document;
        });

    /// <summary>Bodies that are not a JSON document at all, or hold text no string can (half a surrogate pair).</summary>
    private static readonly Gen<string> MalformedJson = Gen.OneOf(
        Gen.String,
        Gen.Const("{"),
        Gen.Const("{\"name\": "),
        Gen.Const("[1, 2"),
        Gen.Const("{\"a\": 1} trailing"),
        Gen.Const("\u0000\u0000"),
        Gen.Const(new string('[', 5_000) + new string(']', 5_000)),
        Gen.Const("{\"name\": \"\\ud800\"}"),
        Gen.Const("{\"\\udfff\": 1}"));

    /// <summary>Malformed bodies, and JSON whose values no job field can take.</summary>
    private static readonly Gen<string> MalformedBody = Gen.OneOf(MalformedJson, Gen.Const("{\"name\": 1e999}"), Gen.Const("{\"name\": {\"nested\": [1, 2]}}"));

    [Fact]
    public async Task Hostile_job_documents_are_answered_400_naming_a_field_on_create_and_replace_and_change_nothing()
    {
        var existing = await Client.CreateJobAsync(JobsClient.ShellJob("kept"));
        var before = await Client.ExportAsync();

        await HostileDocument.Select(d => d.ToJsonString()).Select(MalformedBody, (document, raw) => (document, raw)).SampleAsync(async sample =>
        {
            foreach (var body in new[] { sample.document, sample.raw })
            {
                await AssertNamesAFieldAsync(await SendAsync(HttpMethod.Post, "/api/jobs", body));
                await AssertNamesAFieldAsync(await SendAsync(HttpMethod.Put, $"/api/jobs/{existing.Id}", body));
            }
        }, iter: Samples, threads: 1);

        Assert.Equal(before, await Client.ExportAsync());
    }

    [Fact]
    public async Task Hostile_import_files_are_refused_with_the_field_of_each_bad_job_and_import_nothing()
    {
        await Client.CreateJobAsync(JobsClient.ShellJob("kept"));
        var before = await Client.ExportAsync();

        await HostileDocument.Array[1, 4].Select(a => new JsonArray([.. a]).ToJsonString()).Select(MalformedBody, (file, raw) => (file, raw)).SampleAsync(async sample =>
        {
            foreach (var body in new[] { sample.file, sample.raw })
            {
                var (status, answer) = await SendAsync(HttpMethod.Post, "/api/import?dry_run=false", body);
                Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{(int)status} for {Shorten(body)}: {answer}");
                Assert.True(NamesSomething(answer), $"No field or reason named for {Shorten(body)}: {answer}");
            }
        }, iter: Samples, threads: 1);

        Assert.Equal(before, await Client.ExportAsync());
    }

    [Fact]
    public async Task Hostile_webhook_bodies_are_answered_400_saying_what_is_wrong_and_start_nothing()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("hooked"));
        using var created = await Client.PostAsync(new Uri($"/api/jobs/{job.Id}/webhook", UriKind.Relative), null);
        var url = new Uri((await created.Content.ReadFromJsonAsync<WebhookAddress>())!.Url).AbsolutePath;
        var anonymous = Factory.AnonymousClient();
        var notAnObject = Gen.OneOf(HostileValue.Where(v => v is not JsonObject).Select(v => v?.ToJsonString() ?? "null"), Gen.Const("{\"a-b\": 1, \"a_b\": 2}"));

        await Gen.OneOf(MalformedJson.Where(b => b.Length > 0), notAnObject).SampleAsync(async body =>
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await anonymous.PostAsync(new Uri(url, UriKind.Relative), content);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode} for {Shorten(body)}: {answer}");
            Assert.False(string.IsNullOrWhiteSpace(JsonNode.Parse(answer)?["detail"]?.GetValue<string>()), answer);
        }, iter: Samples, threads: 1);

        Assert.Empty(await Client.RunsOfAsync(job));
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task AssertNamesAFieldAsync((HttpStatusCode Status, string Body) answer)
    {
        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{(int)answer.Status}: {answer.Body}");
        var errors = JsonNode.Parse(answer.Body)?["errors"]?.AsObject();
        Assert.True(errors is { Count: > 0 } && errors.All(e => e.Key.Length > 0 && e.Value is JsonArray { Count: > 0 }), answer.Body);
        return Task.CompletedTask;
    }

    /// <summary>Whether an answer names a field (problem details' errors, an import job's errors) or says what is wrong.</summary>
    private static bool NamesSomething(string body) => JsonNode.Parse(body) switch
    {
        JsonObject { } problem when problem["errors"] is JsonObject { Count: > 0 } => true,
        JsonObject { } report when report["errors"] is JsonArray { Count: > 0 } => true,
        JsonObject { } report when report["jobs"] is JsonArray jobs => jobs.Any(j => j?["errors"] is JsonObject { Count: > 0 }),
        _ => false,
    };

    private static string Shorten(string body) => body.Length <= 200 ? body : body[..200] + $"… ({body.Length} characters)";
}
