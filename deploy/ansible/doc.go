// Package ansible holds no code: deploy/ansible is the Ansible role and
// playbook that run collect on many hosts (README.md next to this file).
// Its test runs the playbook with the real ansible-playbook against real
// sshd instances on 127.0.0.1 and analyzes the bundles it fetched.
package ansible
