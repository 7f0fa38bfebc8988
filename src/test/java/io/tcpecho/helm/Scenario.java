package io.tcpecho.helm;

import java.util.stream.Stream;

/** A set of values the chart is rendered with, as a user would pass them in a values file. */
record Scenario(String name, String values, String kubeVersion) {

    static final String KUBE_VERSION = "1.33.0";

    static final Scenario DEFAULTS = new Scenario("defaults", "", KUBE_VERSION);

    static final Scenario EVERY_TOGGLE_ON = new Scenario("every toggle on", """
            metrics:
              scrapeAnnotations: true
              serviceMonitor:
                enabled: true
                interval: 15s
                labels:
                  release: kube-prometheus-stack
              prometheusRule:
                enabled: true
                labels:
                  release: kube-prometheus-stack
            grafanaDashboard:
              enabled: true
            podDisruptionBudget:
              enabled: true
              minAvailable: 1
            autoscaling:
              enabled: true
              targetMemoryUtilizationPercentage: 80
            networkPolicy:
              enabled: true
              tcp:
                from:
                  - ipBlock:
                      cidr: 10.0.0.0/8
              http:
                from:
                  - namespaceSelector:
                      matchLabels:
                        kubernetes.io/metadata.name: monitoring
            tls:
              enabled: true
              secretName: tcp-echo-tls
            serviceAccount:
              annotations:
                example.com/role: tcp-echo
            """, KUBE_VERSION);

    static final Scenario LOAD_BALANCER = new Scenario("LoadBalancer", """
            service:
              type: LoadBalancer
              externalTrafficPolicy: Local
              ipFamilyPolicy: PreferDualStack
              ipFamilies: [IPv6, IPv4]
              loadBalancerSourceRanges: [203.0.113.0/24]
              nodePorts:
                tcp: 30007
            """, KUBE_VERSION);

    /** Also renders for a cluster older than the preStop sleep action (exec sleep instead). */
    static final Scenario CUSTOM_PORT_AND_FRAMING = new Scenario("custom TCP port and framing", """
            config:
              echo:
                tcp:
                  port: 9007
                  framing: length-header-2
                  shutdown:
                    drain-timeout: 45s
              server:
                port: 9090
            service:
              ports:
                tcp: 7
            terminationGracePeriodSeconds: 60
            """, "1.29.0");

    static Stream<Scenario> all() {
        return Stream.of(DEFAULTS, EVERY_TOGGLE_ON, LOAD_BALANCER, CUSTOM_PORT_AND_FRAMING);
    }

    @Override
    public String toString() {
        return this.name;
    }
}
