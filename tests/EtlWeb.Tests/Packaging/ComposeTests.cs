using System.Text.RegularExpressions;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Packaging;

/// <summary>
/// docker-compose.yml read as compose reads it (there is no Docker engine where the tests run): the default service
/// alone without a profile, and the <c>scale</c> profile's PostgreSQL, web node and worker nodes.
/// </summary>
public sealed class ComposeTests
{
    private const string Profile = "scale";

    private static readonly string Root = Repository.Root;

    private readonly Dictionary<string, object?> _compose = ComposeFile.Read(Path.Combine(Root, "docker-compose.yml"));

    private Dictionary<string, object?> Services => Map(_compose["services"]);

    /// <summary>The profile's services that run EtlWeb, by name.</summary>
    private Dictionary<string, Dictionary<string, object?>> Nodes => ScaleServices
        .Where(s => EnvironmentOf(s.Value).ContainsKey("EtlWeb__Node__Role"))
        .ToDictionary(s => s.Key, s => s.Value);

    private IEnumerable<KeyValuePair<string, Dictionary<string, object?>>> ScaleServices => Services
        .Select(s => KeyValuePair.Create(s.Key, Map(s.Value)))
        .Where(s => Strings(s.Value.GetValueOrDefault("profiles")).Contains(Profile));

    [Fact]
    public void Without_a_profile_only_the_sqlite_service_starts()
    {
        var unprofiled = Services.Where(s => !Map(s.Value).ContainsKey("profiles")).Select(s => s.Key).ToList();
        Assert.Equal(["etlweb"], unprofiled);
        var etlweb = Map(Services["etlweb"]);
        Assert.DoesNotContain(EnvironmentOf(etlweb).Keys, key => key.StartsWith("EtlWeb__Database__", StringComparison.Ordinal) || key.StartsWith("EtlWeb__Node__", StringComparison.Ordinal));
        Assert.Equal(["etlweb-data:/data"], Strings(etlweb["volumes"]));
        Assert.Equal(["127.0.0.1:8080:8080"], Strings(etlweb["ports"]));
    }

    [Fact]
    public void The_scale_profile_is_postgresql_one_web_node_and_two_or_more_worker_nodes_each_with_a_name_of_its_own()
    {
        Assert.Equal(Services.Keys.Where(k => k != "etlweb").Order(), ScaleServices.Select(s => s.Key).Order());
        var postgres = Assert.Single(ScaleServices, s => Text(s.Value["image"]).StartsWith("postgres:", StringComparison.Ordinal));
        Assert.Matches(@"^postgres:1[67]$", Text(postgres.Value["image"]));
        Assert.Equal(Services.Count - 2, Nodes.Count);

        var roles = Nodes.ToDictionary(n => n.Key, n => EnvironmentOf(n.Value)["EtlWeb__Node__Role"]);
        Assert.Single(roles, r => r.Value == "Web");
        Assert.True(roles.Count(r => r.Value == "Worker") >= 2, $"Roles: {string.Join(", ", roles)}");
        Assert.All(roles, r => Assert.Contains(r.Value, new[] { "Web", "Worker" }));

        // A node's name is recorded on its attempts and tells a restarted node its own attempts.
        var names = Nodes.Select(n => EnvironmentOf(n.Value).GetValueOrDefault("EtlWeb__Node__Name")).ToList();
        Assert.All(names, name => Assert.False(string.IsNullOrWhiteSpace(name)));
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Nodes.Values, node => Assert.False(node.ContainsKey("deploy"), "a replicated service would give its replicas one configured node name"));
    }

    [Fact]
    public void Every_node_of_the_profile_is_the_etlweb_image_on_the_profile_postgresql_once_it_is_healthy()
    {
        var postgres = ScaleServices.Single(s => Text(s.Value["image"]).StartsWith("postgres:", StringComparison.Ordinal)).Key;
        var etlweb = Map(Services["etlweb"]);
        foreach (var node in Nodes.Values)
        {
            // Built here like the default service: never pulled from a registry under the same name.
            Assert.Equal(Text(etlweb["build"]), Text(node["build"]));
            Assert.Equal(Text(etlweb["image"]), Text(node["image"]));

            var environment = EnvironmentOf(node);
            Assert.Equal("PostgreSql", environment["EtlWeb__Database__Provider"]);
            var connection = environment["EtlWeb__Database__ConnectionString"].Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
            Assert.Equal(postgres, connection["Host"]);
            Assert.Equal("service_healthy", Text(Map(Map(node["depends_on"])[postgres])["condition"]));
            Assert.Equal(".env", Text(Map(Assert.Single(List(node["env_file"])))["path"]));
        }

        var database = Map(Services[postgres]);
        Assert.Contains("pg_isready", Strings(Map(database["healthcheck"])["test"]));
        var volume = Assert.Single(Strings(database["volumes"])).Split(':')[0];
        Assert.True(Map(_compose["volumes"]).ContainsKey(volume), $"{volume} is not a named volume");
    }

    [Fact]
    public void Only_the_web_nodes_publish_a_port_on_loopback_and_workers_keep_no_named_volume()
    {
        var published = Services.Where(s => Map(s.Value).ContainsKey("ports")).ToDictionary(s => s.Key, s => Strings(Map(s.Value)["ports"]));
        Assert.All(published.Values.SelectMany(p => p), port => Assert.StartsWith("127.0.0.1:", port, StringComparison.Ordinal));
        Assert.Equal(published.Values.SelectMany(p => p).Count(), published.Values.SelectMany(p => p).Select(p => p.Split(':')[1]).Distinct().Count());

        var web = Assert.Single(Nodes, n => EnvironmentOf(n.Value)["EtlWeb__Node__Role"] == "Web");
        Assert.Equal(["etlweb", web.Key], published.Keys.Order());
        foreach (var worker in Nodes.Where(n => n.Key != web.Key))
        {
            Assert.False(worker.Value.ContainsKey("volumes"), $"{worker.Key} mounts a volume");
        }
    }

    [Fact]
    public void No_secret_is_written_in_the_file_the_postgresql_password_comes_from_the_env_file()
    {
        var interpolation = new Regex(@"^\$\{POSTGRES_PASSWORD(:?[-?][^}]*)?\}$");
        foreach (var (name, service) in Services.Select(s => (s.Key, Map(s.Value))))
        {
            foreach (var (key, value) in EnvironmentOf(service))
            {
                if (Regex.IsMatch(key, "PASSWORD|TOKEN|SECRET|WEBHOOKURL", RegexOptions.IgnoreCase))
                {
                    Assert.True(value.StartsWith("${", StringComparison.Ordinal), $"{name}: {key} has a value written in the file");
                }

                var password = Regex.Match(value, "(?i)(?:^|;)Password=([^;]*)");
                if (password.Success)
                {
                    Assert.Matches(interpolation, password.Groups[1].Value);
                }
            }
        }

        Assert.Matches(interpolation, EnvironmentOf(Map(Services["postgres"]))["POSTGRES_PASSWORD"]);
        Assert.Contains("POSTGRES_PASSWORD=", File.ReadAllText(Path.Combine(Root, ".env.example")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_reader_refuses_what_it_does_not_understand()
    {
        var items = List(ComposeFile.Parse("a:\n  - x: b # c\n    y: [d, 'e']\n")["a"]);
        Assert.Equal("b", Text(Map(items[0])["x"]));
        Assert.Equal(["d", "e"], Strings(Map(items[0])["y"]));
        Assert.Throws<FormatException>(() => ComposeFile.Parse("a: &anchor\n  b: c\n"));
        Assert.Throws<FormatException>(() => ComposeFile.Parse("a:\n  b: c\n   d: e\n"));
        Assert.Throws<FormatException>(() => ComposeFile.Parse("a: 1\na: 2\n"));
    }

    private static Dictionary<string, string> EnvironmentOf(Dictionary<string, object?> service) =>
        service.TryGetValue("environment", out var environment)
            ? Map(environment).ToDictionary(e => e.Key, e => Text(e.Value))
            : [];

    private static Dictionary<string, object?> Map(object? value) =>
        Assert.IsType<Dictionary<string, object?>>(value);

    private static List<object?> List(object? value) =>
        Assert.IsType<List<object?>>(value);

    private static string Text(object? value) =>
        Assert.IsType<string>(value);

    private static List<string> Strings(object? value) =>
        value is null ? [] : List(value).Select(Text).ToList();
}
