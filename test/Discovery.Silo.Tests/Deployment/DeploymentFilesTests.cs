using System.Text.RegularExpressions;
using Discovery.Silo.Hosting;
using Discovery.Silo.Infrastructure;
using Discovery.Silo.Options;
using Discovery.Testing;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Discovery.Silo.Tests.Deployment;

/// <summary>
/// The files of deployment/ name only settings the silo accepts: every example env file passes the silo's own
/// configuration checks, and the systemd unit and the Containerfile run the program the build produces.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Deployment = FindDeployment();

    public static TheoryData<string> EnvFiles() => new(Directory.GetFiles(Path.Combine(FindDeployment(), "examples"), "*.env").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(EnvFiles))]
    public void An_example_env_file_is_a_configuration_the_silo_accepts(string file)
    {
        var settings = ReadEnvFile(Path.Combine(Deployment, "examples", file));

        // Only what cannot hold on a test machine changes: the inventory's path and ports that are free here.
        var plan = Plan(settings);

        var site = Path.GetFileNameWithoutExtension(file);
        Assert.Equal(site, plan.Options.Site);
        Assert.Equal(ClusteringKind.Postgres, plan.Options.Clustering);
        Assert.NotNull(plan.Silos.Single().HttpPort);
        Assert.NotNull(InfrastructureFile.Load(plan.InfrastructurePath).FindSite(site));
    }

    [Fact]
    public void The_systemd_unit_runs_the_published_silo_with_its_sites_env_file_and_restarts_it_on_failure()
    {
        var unit = File.ReadAllText(Path.Combine(Deployment, "systemd", "discovery-silo@.service"));

        Assert.Contains("EnvironmentFile=/etc/discovery/%i.env", unit);
        Assert.Contains("Restart=on-failure", unit);
        Assert.Matches(@"(?m)^User=discovery$", unit);
        Assert.Matches(@"(?m)^NoNewPrivileges=yes$", unit);
        var exec = Regex.Match(unit, @"(?m)^ExecStart=\S+ (\S+)$").Groups[1].Value;
        Assert.Equal(Path.GetFileName(SiloProgramFile.Path), Path.GetFileName(exec));
        // The configuration error exit code must not be restarted in a loop.
        Assert.Contains($"RestartPreventExitStatus={SiloProgram.UsageError}", unit);
    }

    [Fact]
    public void The_containerfile_builds_on_aspnet_with_libvirt_and_sets_only_keys_the_silo_accepts()
    {
        var containerfile = File.ReadAllText(Path.Combine(Deployment, "Containerfile"));

        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0$", containerfile);
        Assert.Contains("libvirt0", containerfile);
        Assert.Contains($"\"/opt/discovery/silo/{Path.GetFileName(SiloProgramFile.Path)}\"", containerfile);
        var keys = Regex.Matches(containerfile, @"(Discovery__\w+)=(\S+)").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.NotEmpty(keys);
        var settings = ReadEnvFile(Path.Combine(Deployment, "examples", "paris.env"));
        foreach (var (key, value) in keys)
            settings[key] = value;

        Assert.Equal("paris", Plan(settings).Options.Site);
    }

    private static LaunchPlan Plan(Dictionary<string, string> settings)
    {
        settings["Discovery__Infrastructure"] = Path.Combine(Deployment, "examples", "infrastructure.yaml");
        foreach (var port in new[] { "Discovery__SiloPort", "Discovery__GatewayPort", "Discovery__HttpPort" })
            settings[port] = FreePorts.Take().ToString();
        // What the environment-variables provider does with Discovery__A__B: the key Discovery:A:B.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":"), (string?)s.Value)))
            .Build();
        return LaunchPlanner.Plan(configuration);
    }

    // systemd's EnvironmentFile syntax as the examples use it: KEY=VALUE lines, # comments, blank lines.
    private static Dictionary<string, string> ReadEnvFile(string path)
    {
        var settings = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var (key, value) = (line[..line.IndexOf('=')], line[(line.IndexOf('=') + 1)..]);
            Assert.StartsWith("Discovery__", key);
            settings[key] = value;
        }
        return settings;
    }

    private static string FindDeployment()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "deployment", "Containerfile")))
                return Path.Combine(dir.FullName, "deployment");
        }
        throw new DirectoryNotFoundException($"no deployment/ folder above {AppContext.BaseDirectory}");
    }
}
