"""Ansible against a live ``vpclab serve``: ``amazon.aws.ec2_instance`` launching an instance with a
name and tags, ``community.aws.elb_network_lb`` creating a network load balancer (issue 10).

The collections come with the ``ansible`` package of the test extra; the modules run locally with
this interpreter (``ansible_python_interpreter``), so they use the same boto3 as the other tests.
Each playbook runs twice: the second run must change nothing (the modules read back what they made).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import Server

ACCOUNT = "100000000091"

HEADER = """\
- hosts: localhost
  gather_facts: false
  connection: local
  vars:
    ansible_python_interpreter: {python}
  module_defaults:
    group/aws:
      endpoint_url: {url}
      region: us-east-1
      access_key: "{account}"
      secret_key: lab
  tasks:
    - amazon.aws.ec2_vpc_subnet_info:
        filters: {{default-for-az: "true"}}
      register: subnets
"""

INSTANCE = """\
    - amazon.aws.ec2_ami_info:
        owners: [amazon]
        filters: {name: "al2023-ami-*-x86_64"}
      register: amis
    - amazon.aws.ec2_instance:
        name: web-1
        image_id: "{{ amis.images[0].image_id }}"
        instance_type: t3.micro
        vpc_subnet_id: "{{ subnets.subnets[0].id }}"
        tags: {Team: net}
        wait: true
      register: launched
    - ansible.builtin.assert:
        that:
          - launched.instances | length == 1
          - launched.instances[0].tags.Name == "web-1"
          - launched.instances[0].tags.Team == "net"
          - launched.instances[0].block_device_mappings | length == 1
"""

NLB = """\
    - community.aws.elb_target_group:
        name: web-tg
        protocol: tcp
        port: 80
        vpc_id: "{{ subnets.subnets[0].vpc_id }}"
        state: present
    - community.aws.elb_network_lb:
        name: web-nlb
        subnets: "{{ subnets.subnets | map(attribute='id') | list }}"
        cross_zone_load_balancing: true
        listeners:
          - Protocol: TCP
            Port: 80
            DefaultActions:
              - {Type: forward, TargetGroupName: web-tg}
        tags: {Team: net}
        state: present
      register: nlb
    - ansible.builtin.assert:
        that:
          - nlb.type == "network"
          - nlb.listeners | length == 1
          - nlb.load_balancing_cross_zone_enabled == "true"
"""


def _playbook(server: Server, tmp_path: Path, name: str, body: str) -> list[str]:
    """Run ``body`` twice; the PLAY RECAP line of each run."""
    path = tmp_path / f"{name}.yml"
    path.write_text(HEADER.format(python=sys.executable, url=server.url, account=ACCOUNT) + body)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "ANSIBLE_HOME": str(tmp_path / "ansible"),
           "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "ANSIBLE_REMOTE_TEMP": str(tmp_path / "remote"),
           "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
           "ANSIBLE_LOCALHOST_WARNING": "0", "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    recaps = []
    for _ in range(2):
        run = subprocess.run([str(bin_dir / "ansible-playbook"), "-i", "localhost,", str(path)],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300, check=False)
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
        recaps.append(next(line for line in run.stdout.splitlines() if line.startswith("localhost ")))
    return recaps


def test_ansible_ec2_instance_launches_with_a_name_and_tags(server: Server, tmp_path: Path) -> None:
    """``amazon.aws.ec2_instance`` with ``name:`` and ``tags:`` sends TagSpecifications for the
    instance and its volumes, waits on DescribeInstanceStatus, then finds the instance again by its
    Name tag (the second run changes nothing). The root volume carries the tags.

    AWS RunInstances TagSpecification.N
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html).
    """
    first, second = _playbook(server, tmp_path, "instance", INSTANCE)
    assert "changed=1" in first and "failed=0" in first
    assert "changed=0" in second and "failed=0" in second
    ec2 = server.client(account=ACCOUNT)
    named = [{"Name": "tag:Name", "Values": ["web-1"]},
             {"Name": "instance-state-name", "Values": ["running"]}]
    (reservation,) = ec2.describe_instances(Filters=named)["Reservations"]
    (inst,) = reservation["Instances"]
    assert {"Key": "Team", "Value": "net"} in inst["Tags"]
    (mapping,) = inst["BlockDeviceMappings"]
    (vol,) = ec2.describe_volumes(VolumeIds=[mapping["Ebs"]["VolumeId"]])["Volumes"]
    assert {"Key": "Name", "Value": "web-1"} in vol["Tags"] and {"Key": "Team", "Value": "net"} in vol["Tags"]
    assert vol["Attachments"][0]["InstanceId"] == inst["InstanceId"]


def test_ansible_elb_network_lb_creates_an_nlb(server: Server, tmp_path: Path) -> None:
    """``community.aws.elb_target_group`` and ``community.aws.elb_network_lb`` (listener, tags,
    cross-zone load balancing) create an NLB; the second run changes nothing.

    AWS CreateLoadBalancer
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html),
    ModifyLoadBalancerAttributes
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyLoadBalancerAttributes.html).
    """
    first, second = _playbook(server, tmp_path, "nlb", NLB)
    assert "changed=2" in first and "failed=0" in first
    assert "changed=0" in second and "failed=0" in second
    elb = server.client("elbv2", account=ACCOUNT)
    (lb,) = elb.describe_load_balancers(Names=["web-nlb"])["LoadBalancers"]
    assert lb["Type"] == "network"
    attrs = {a["Key"]: a["Value"] for a in
             elb.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
    assert attrs["load_balancing.cross_zone.enabled"] == "true"
    tags = elb.describe_tags(ResourceArns=[lb["LoadBalancerArn"]])["TagDescriptions"][0]["Tags"]
    assert {"Key": "Team", "Value": "net"} in tags
