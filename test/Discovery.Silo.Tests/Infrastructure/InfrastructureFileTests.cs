using Discovery.Silo.Infrastructure;
using Xunit;

namespace Discovery.Silo.Tests.Infrastructure;

public sealed class InfrastructureFileTests
{
    [Fact]
    public void The_demo_file_declares_several_sites_with_nodes()
    {
        var demo = InfrastructureFile.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "demo-infrastructure.yaml"));

        Assert.True(demo.Sites.Count >= 3, "the demo should span at least three sites");
        Assert.All(demo.Sites, s => Assert.NotEmpty(s.Nodes));
    }

    [Fact]
    public void Count_expands_a_node_entry_into_numbered_nodes()
    {
        var file = InfrastructureFile.Parse("""
            sites:
              - name: lyon
                latitude: 45.7
                longitude: 4.8
                nodes:
                  - { name: node, count: 3, cpus: 8, memoryMiB: 1024 }
                  - { name: big, cpus: 64, memoryMiB: 262144 }
            """, "test.yaml");

        var lyon = Assert.Single(file.Sites);
        Assert.Equal(["node-1", "node-2", "node-3", "big"], lyon.Nodes.Select(n => n.Name));
        Assert.Equal(64, lyon.Nodes[^1].Spec.Cpus);
    }

    [Fact]
    public void A_node_may_name_its_real_hypervisor_and_an_overcommit_ratio()
    {
        var file = InfrastructureFile.Parse("""
            sites:
              - name: lyon
                nodes:
                  - { name: kvm, cpus: 48, memoryMiB: 196608, libvirt: "qemu+ssh://root@kvm-1/system", cpuOvercommit: 2 }
                  - { name: lab, cpus: 4, memoryMiB: 4096 }
            """, "test.yaml");

        var (kvm, lab) = (file.Sites[0].Nodes[0].Spec, file.Sites[0].Nodes[1].Spec);
        Assert.Equal(("qemu+ssh://root@kvm-1/system", 96), (kvm.LibvirtUri, kvm.VcpuCapacity));
        Assert.Equal((null, 4), (lab.LibvirtUri, lab.VcpuCapacity));
    }

    [Fact]
    public void A_site_may_state_its_power_usage_effectiveness()
    {
        var file = InfrastructureFile.Parse("sites:\n  - name: lyon\n    pue: 1.4\n  - name: paris\n", "test.yaml");

        Assert.Equal([1.4, null], file.Sites.Select(s => s.Pue));
    }

    [Theory]
    [InlineData("sites:\n  - name: lyon\n    colour: red\n", "test.yaml:3:", "colour")]
    [InlineData("sites:\n  - name: Lyon\n", "sites[0].name", "lower-case")]
    [InlineData("sites:\n  - name: lyon\n  - name: lyon\n", "site 'lyon'", "declared twice")]
    [InlineData("sites:\n  - name: lyon\n    nodes:\n      - { name: a, cpus: 0, memoryMiB: 1 }\n", "node 'a'", "at least 1 CPU")]
    [InlineData("sites:\n  - name: lyon\n    nodes:\n      - { name: a, cpus: 1, memoryMiB: 1 }\n      - { name: a, cpus: 1, memoryMiB: 1 }\n", "node 'a'", "declared twice")]
    [InlineData("sites:\n  - name: lyon\n    latitude: 91\n", "site 'lyon'", "latitude")]
    [InlineData("sites:\n  - name: lyon\n    nodes:\n      - { name: a, cpus: 1, memoryMiB: 1, libvirt: 'qemu system' }\n", "node 'a'", "not a URI")]
    [InlineData("sites:\n  - name: lyon\n    nodes:\n      - { name: a, cpus: 1, memoryMiB: 1, cpuOvercommit: 0.5 }\n", "node 'a'", "overcommit")]
    [InlineData("sites: []\n", "test.yaml", "declares no site")]
    [InlineData("sites:\n  - name: lyon\n    pue: 0.8\n", "site 'lyon'", "power usage effectiveness")]
    [InlineData("sites:\n  - name: lyon\n    nodes:\n      - { name: a, count: 0, cpus: 1, memoryMiB: 1 }\n", "nodes[0].count", "at least 1")]
    public void A_bad_file_is_refused_with_the_place_and_the_problem(string yaml, string place, string problem)
    {
        var error = Assert.Throws<InfrastructureFileException>(() => InfrastructureFile.Parse(yaml, "test.yaml"));

        Assert.Contains(place, error.Message);
        Assert.Contains(problem, error.Message);
    }
}
